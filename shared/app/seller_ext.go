package app

import "github.com/ordercloud-serverless/occ/shared/resource"

// declareSellerExt declares API client secrets, impersonation configs, OpenID Connects, locales, XP indices, buyer groups, user moves, impersonation tokens, token revocation and account unlock.
func declareSellerExt(r *resource.Registry) {}
