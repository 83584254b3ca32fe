// The OrderCloud "Learn" getting-started journey (getting-started,
// product-catalogs, buyer-perspective, order-fulfillment), walked with the
// official ordercloud-javascript-sdk exactly as an OrderCloud developer would
// call it, against the server at OC_URL.
//
// Environment:
//   OC_URL                  base URL of the server (no /v1), required
//   OC_ADMIN_CLIENT_ID      the bootstrap API client (has a secret)
//   OC_ADMIN_CLIENT_SECRET  its secret
//   OC_ADMIN_USERNAME       the bootstrap admin user (for the elevated login)
//   OC_ADMIN_PASSWORD       its password
//   JOURNEY_VERBOSE=1       print the full HTTP exchange of every failure
//
// Every step prints `ok <step>` or `FAIL <step>: <reason>`; the last line is
// `N passed, M failed` and the exit status is 1 when M > 0. IDs carry a random
// suffix so the script can run any number of times against one server.

import {
  Configuration,
  OrderCloudError,
  Auth,
  Tokens,
  ApiClients,
  AdminUsers,
  Buyers,
  Users,
  SecurityProfiles,
  Me,
  Catalogs,
  Products,
  PriceSchedules,
  Orders,
  LineItems,
  Shipments,
  Suppliers,
  SupplierUsers,
  Specs,
  InventoryRecords,
  AdminAddresses,
  Incrementors,
  Promotions,
  ProductFacets,
  Bundles,
  Locales,
  CostCenters,
  SpendingAccounts,
  UserGroups,
  Addresses,
  Payments,
  Cart,
  ApprovalRules,
} from 'ordercloud-javascript-sdk';

const env = (k, d) => process.env[k] || d;
const OC_URL = env('OC_URL');
if (!OC_URL) {
  console.error('OC_URL is required (e.g. http://localhost:8080)');
  process.exit(2);
}
const ADMIN_CLIENT_ID = env('OC_ADMIN_CLIENT_ID', 'JOURNEY-ADMIN');
const ADMIN_CLIENT_SECRET = env('OC_ADMIN_CLIENT_SECRET', 'journey-secret');
const BOOT_USERNAME = env('OC_ADMIN_USERNAME', 'admin');
const BOOT_PASSWORD = env('OC_ADMIN_PASSWORD', 'Adm1nPassw0rd');
const VERBOSE = env('JOURNEY_VERBOSE', '') !== '';

Configuration.Set({
  baseApiUrl: OC_URL.replace(/\/+$/, ''),
  clientID: ADMIN_CLIENT_ID,
  timeoutInMilliseconds: 20 * 1000,
});

// ---------------------------------------------------------------- harness

const RUN = Math.random().toString(36).slice(2, 8).toUpperCase().padEnd(6, 'X');
const run = RUN.toLowerCase();
let passed = 0;
let failed = 0;

class Skip extends Error {}

function describeError(e) {
  if (e?.isOrderCloudError) {
    const cfg = e.response?.config || {};
    const url = (cfg.url || '').replace(Configuration.Get().baseApiUrl, '');
    const q = cfg.params ? cfg.paramsSerializer?.serialize?.(cfg.params) : '';
    const body = typeof e.response?.data === 'string' ? e.response.data : JSON.stringify(e.response?.data);
    const sent = VERBOSE && cfg.data ? ` sent=${typeof cfg.data === 'string' ? cfg.data : JSON.stringify(cfg.data)}` : '';
    return `${(cfg.method || '?').toUpperCase()} ${url}${q ? '?' + q : ''} -> ${e.status} ${e.errorCode}: ${short(body, VERBOSE ? 4000 : 300)}${sent}`;
  }
  if (e?.response) return `HTTP ${e.response.status} ${short(JSON.stringify(e.response.data), 300)}`;
  if (e instanceof TypeError && /ObjectType|ObjectID/.test(e.message)) {
    // OrderCloudError's constructor formats NotFound as
    // `${Data.ObjectType} ${Data.ObjectID} not found`: a NotFound error
    // without Data makes the SDK throw this TypeError instead.
    return `the SDK crashed building its OrderCloudError (${e.message}): the server answered ErrorCode "NotFound" with Data null`;
  }
  return e?.message || String(e);
}

function short(s, n) {
  s = String(s ?? '');
  return s.length > n ? s.slice(0, n) + '…' : s;
}

async function step(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok ${name}`);
  } catch (e) {
    failed++;
    const reason = e instanceof Skip ? `skipped: ${e.message}` : describeError(e);
    console.log(`FAIL ${name}: ${reason.replace(/\s*\n\s*/g, ' ')}`);
  }
}

function need(...vals) {
  for (const [label, v] of vals) if (!v) throw new Skip(`needs ${label} from an earlier step`);
}

function check(cond, msg) {
  if (!cond) throw new Error(msg);
}

function eq(actual, expected, what) {
  const a = JSON.stringify(actual);
  const b = JSON.stringify(expected);
  if (a !== b) throw new Error(`${what}: got ${short(a, 200)}, want ${b}`);
}

function hasAll(list, wanted, what) {
  const missing = wanted.filter((r) => !(list || []).includes(r));
  if (missing.length) throw new Error(`${what} lacks ${missing.join(', ')} (has ${JSON.stringify(list)})`);
}

// expectError runs fn, which must be rejected with an OrderCloudError of the
// given status and first ErrorCode; it returns the error for further checks.
async function expectError(fn, status, code) {
  let res;
  try {
    res = await fn();
  } catch (e) {
    // SDK v12 is compiled to ES5, so `e instanceof OrderCloudError` is false
    // even for its own errors: isOrderCloudError is the reliable test.
    if (!e?.isOrderCloudError || e.name !== 'OrderCloudError') throw new Error(`not an OrderCloudError: ${describeError(e)}`);
    const got = e.errors?.[0]?.ErrorCode;
    if (e.status !== status || got !== code || e.errorCode !== code) {
      throw new Error(`want ${status} ${code}, got ${describeError(e)}`);
    }
    return e;
  }
  throw new Error(`want ${status} ${code}, but the call succeeded: ${short(JSON.stringify(res), 200)}`);
}

// decodeJwt decodes a token's claims the way the SDK does (base64url JSON
// payload); the SDK itself reads `exp` (expiry) and `cid` (client ID).
function decodeJwt(token) {
  const part = token.split('.')[1];
  return JSON.parse(Buffer.from(part.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8'));
}

// A JWT with the same header and signature but other claims: the SDK only
// decodes tokens, it never verifies them, so this is what it sees when a
// real token has expired.
function withClaims(token, claims) {
  const [h, p, s] = token.split('.');
  const payload = { ...decodeJwt(token), ...claims };
  return [h, Buffer.from(JSON.stringify(payload)).toString('base64url'), s].join('.');
}

// roles claim may be a string or an array
const rolesOf = (claims) => [].concat(claims.role ?? []);

// ---------------------------------------------------------------- the data

const ADMIN_ROLES = [
  'MeAdmin',
  'PasswordReset',
  'BuyerReader',
  'OrderAdmin',
  'CatalogAdmin',
  'ProductAdmin',
  'ProductAssignmentAdmin',
  'PriceScheduleAdmin',
  'ShipmentAdmin',
];
const BUYER_ROLES = ['MeAdmin', 'PasswordReset', 'Shopper'];

const ids = {
  admin: `ADMIN_${RUN}`,
  adminUsername: `admin01_${run}`,
  buyer: `BUYER_ORGANIZATION_${RUN}`,
  buyerUser: `BUYER_USER_${RUN}`,
  buyerUsername: `buyer01_${run}`,
  adminProfile: `ADMIN_PROFILE_${RUN}`,
  buyerProfile: `BUYER_PROFILE_${RUN}`,
  shirt: `SHIRT_${RUN}`,
  shirtPrice: `SHIRT_PRICE_${RUN}`,
  polo: `POLO_${RUN}`,
  sweater: `SWEATER_${RUN}`,
  hoodie: `HOODIE_${RUN}`,
  shipment: `SHIPMENT_${RUN}`,
};
const ADMIN_PASSWORD = `Adm1nUser${RUN}`;
const BUYER_PASSWORD = `Buy3rUser${RUN}`;

const state = {};

// ---------------------------------------------------------------- journey

console.log(`# journey against ${Configuration.Get().baseApiUrl} (run ${RUN})`);

// --- Getting started: establishing API access (as the marketplace owner)

await step('admin token via Auth.ClientCredentials (bootstrap client)', async () => {
  const t = await Auth.ClientCredentials(ADMIN_CLIENT_SECRET, ADMIN_CLIENT_ID, ['FullAccess']);
  check(t.access_token, `no access_token in ${JSON.stringify(t)}`);
  eq(String(t.token_type).toLowerCase(), 'bearer', 'token_type');
  check(t.expires_in > 0, `expires_in ${t.expires_in}`);
  Tokens.SetAccessToken(t.access_token);
  state.ownerToken = t.access_token;
  const c = decodeJwt(t.access_token);
  eq(c.cid, ADMIN_CLIENT_ID, 'cid claim');
  hasAll(rolesOf(c), ['FullAccess'], 'role claim');
});

await step('Auth.ElevatedLogin (password + client secret)', async () => {
  const t = await Auth.ElevatedLogin(ADMIN_CLIENT_SECRET, BOOT_USERNAME, BOOT_PASSWORD, ADMIN_CLIENT_ID, ['FullAccess']);
  eq(decodeJwt(t.access_token).usr, BOOT_USERNAME, 'usr claim');
});

await step('ApiClients.Create "Shared API Client"', async () => {
  need(['owner token', state.ownerToken]);
  const c = await ApiClients.Create({
    AppName: `Shared API Client ${RUN}`,
    Active: true,
    AllowSeller: true,
    AllowAnyBuyer: true,
    AllowAnySupplier: false,
    AccessTokenDuration: 600,
    RefreshTokenDuration: 10080,
  });
  check(c.ID, `no ID in ${JSON.stringify(c)}`);
  eq([c.AllowSeller, c.AllowAnyBuyer, c.AccessTokenDuration, c.RefreshTokenDuration], [true, true, 600, 10080],
    '[AllowSeller, AllowAnyBuyer, AccessTokenDuration, RefreshTokenDuration]');
  check(!c.ClientSecret, `ClientSecret should be empty, got ${c.ClientSecret}`);
  state.clientID = c.ID;
  Configuration.Set({ clientID: c.ID });
});

await step('AdminUsers.Create ADMIN (admin01)', async () => {
  const u = await AdminUsers.Create({
    ID: ids.admin, Username: ids.adminUsername, Password: ADMIN_PASSWORD,
    FirstName: 'Admin', LastName: 'User', Email: 'admin@email.com', Active: true,
  });
  eq([u.ID, u.Username, u.Active], [ids.admin, ids.adminUsername, true], '[ID, Username, Active]');
  check(!u.Password, 'Password must not be echoed back');
  state.adminCreated = true;
});

await step('Buyers.Create BUYER_ORGANIZATION (gets a default catalog)', async () => {
  const b = await Buyers.Create({ ID: ids.buyer, Name: 'Example Buyer', Active: true });
  eq([b.ID, b.Active, b.DefaultCatalogID], [ids.buyer, true, ids.buyer], '[ID, Active, DefaultCatalogID]');
  state.buyerCreated = true;
});

await step('Users.Create BUYER_USER (buyer01)', async () => {
  need(['buyer', state.buyerCreated]);
  const u = await Users.Create(ids.buyer, {
    ID: ids.buyerUser, Username: ids.buyerUsername, Password: BUYER_PASSWORD,
    FirstName: 'Buyer', LastName: 'User', Email: 'buyer@email.com', Active: true,
  });
  eq([u.ID, u.Username], [ids.buyerUser, ids.buyerUsername], '[ID, Username]');
  check(!u.Password, 'Password must not be echoed back');
  state.buyerUserCreated = true;
});

await step('SecurityProfiles.Create ADMIN_PROFILE and BUYER_PROFILE', async () => {
  const a = await SecurityProfiles.Create({ ID: ids.adminProfile, Name: 'Admin User Profile', Roles: ADMIN_ROLES });
  const b = await SecurityProfiles.Create({ ID: ids.buyerProfile, Name: 'Buyer User Profile', Roles: BUYER_ROLES });
  eq(a.Roles, ADMIN_ROLES, 'ADMIN_PROFILE Roles');
  eq(b.Roles, BUYER_ROLES, 'BUYER_PROFILE Roles');
  state.profiles = true;
});

await step('SecurityProfiles.SaveAssignment ADMIN_PROFILE to the marketplace', async () => {
  need(['security profiles', state.profiles]);
  await SecurityProfiles.SaveAssignment({ SecurityProfileID: ids.adminProfile });
});

await step('SecurityProfiles.SaveAssignment BUYER_PROFILE to the buyer', async () => {
  need(['security profiles', state.profiles], ['buyer', state.buyerCreated]);
  await SecurityProfiles.SaveAssignment({ SecurityProfileID: ids.buyerProfile, BuyerID: ids.buyer });
});

await step('SecurityProfiles.ListAssignments shows both assignments', async () => {
  need(['security profiles', state.profiles]);
  const a = await SecurityProfiles.ListAssignments({ securityProfileID: ids.adminProfile });
  check(a.Items.some((x) => x.SecurityProfileID === ids.adminProfile && !x.BuyerID && !x.UserID && !x.UserGroupID),
    `no marketplace-level ADMIN_PROFILE assignment in ${short(JSON.stringify(a.Items), 300)}`);
  const b = await SecurityProfiles.ListAssignments({ buyerID: ids.buyer, securityProfileID: ids.buyerProfile });
  check(b.Items.some((x) => x.SecurityProfileID === ids.buyerProfile && x.BuyerID === ids.buyer),
    `no buyer-level BUYER_PROFILE assignment in ${short(JSON.stringify(b.Items), 300)}`);
});

await step('AdminUsers.List shows ADMIN_PROFILE roles in AvailableRoles', async () => {
  need(['admin user', state.adminCreated]);
  const l = await AdminUsers.List({ filters: { ID: ids.admin } });
  eq(l.Items.map((u) => u.ID), [ids.admin], 'filtered IDs');
  hasAll(l.Items[0].AvailableRoles, ADMIN_ROLES, 'AvailableRoles');
});

await step('Users.List shows BUYER_PROFILE roles in AvailableRoles', async () => {
  need(['buyer user', state.buyerUserCreated]);
  const l = await Users.List(ids.buyer);
  const u = l.Items.find((x) => x.ID === ids.buyerUser);
  check(u, `BUYER_USER not in ${short(JSON.stringify(l.Items.map((x) => x.ID)), 200)}`);
  hasAll(u.AvailableRoles, BUYER_ROLES, 'AvailableRoles');
  check(!u.AvailableRoles.includes('ProductAdmin'), `buyer must not inherit the marketplace profile: ${u.AvailableRoles}`);
});

await step('password with form-reserved characters (+ & = % space) logs in', async () => {
  need(['buyer', state.buyerCreated], ['shared API client', state.clientID]);
  // the SDK form-encodes the token request with encodeURIComponent, so
  // '+' arrives as %2B and a space as %20: the server must decode both
  const password = `P+ss w0rd&x=1%${RUN}`;
  await Users.Create(ids.buyer, {
    ID: `BUYER_USER2_${RUN}`, Username: `buyer02_${run}`, Password: password,
    FirstName: 'Second', LastName: 'Buyer', Email: 'buyer02@email.com', Active: true,
  });
  const t = await Auth.Login(`buyer02_${run}`, password, state.clientID, BUYER_ROLES);
  eq(decodeJwt(t.access_token).usr, `buyer02_${run}`, 'usr claim');
});

// --- Getting started: making your first request

async function login(who, username, password, scope) {
  need(['shared API client', state.clientID]);
  const t = await Auth.Login(username, password, state.clientID, scope);
  check(t.access_token, `no access_token in ${JSON.stringify(t)}`);
  eq(String(t.token_type).toLowerCase(), 'bearer', 'token_type');
  // ApiClient durations are in minutes: AccessTokenDuration 600 -> 36000 s
  check(t.expires_in > 35000 && t.expires_in <= 36000, `expires_in ${t.expires_in}, want ~36000 (AccessTokenDuration 600 minutes)`);
  check(t.refresh_token, 'no refresh_token although the client has RefreshTokenDuration > 0');
  state[who] = t;
}

function checkClaims(who, username, usrtype, scope) {
  need([`${who} token`, state[who]]);
  const token = state[who].access_token;
  Tokens.SetAccessToken(token); // throws "Invalid token" if the SDK can't decode it
  const c = decodeJwt(token);
  eq([c.usr, c.cid, c.usrtype], [username, state.clientID, usrtype], '[usr, cid, usrtype] claims');
  hasAll(rolesOf(c), scope, 'role claim');
  const now = Date.now() / 1000;
  check(typeof c.exp === 'number' && c.exp > now + 35000 && c.exp <= now + 36060, `exp claim ${c.exp} not ~36000 s ahead of ${Math.floor(now)}`);
}

await step('Auth.Login admin01 (password grant, shared client, docs scope)', () =>
  login('adminTok', ids.adminUsername, ADMIN_PASSWORD, ADMIN_ROLES));

await step('admin01 token claims decode (usr, cid, usrtype, role, exp)', async () => {
  checkClaims('adminTok', ids.adminUsername, 'admin', ADMIN_ROLES);
  // the SDK decodes exp itself before each call; a fresh token is used as-is
  eq(await Tokens.GetValidToken(), state.adminTok.access_token, 'Tokens.GetValidToken()');
});

await step('Me.Get as admin01', async () => {
  need(['admin01 token', state.adminTok]);
  Tokens.SetAccessToken(state.adminTok.access_token);
  const me = await Me.Get();
  eq([me.ID, me.Username], [ids.admin, ids.adminUsername], '[ID, Username]');
  hasAll(me.AvailableRoles, ADMIN_ROLES, 'AvailableRoles');
});

await step('Auth.Login buyer01', () => login('buyerTok', ids.buyerUsername, BUYER_PASSWORD, BUYER_ROLES));

await step('buyer01 token claims decode (usr, cid, usrtype, role, exp)', async () => {
  checkClaims('buyerTok', ids.buyerUsername, 'buyer', BUYER_ROLES);
});

await step('Me.Get as buyer01 (Buyer.ID, AvailableRoles)', async () => {
  need(['buyer01 token', state.buyerTok]);
  Tokens.SetAccessToken(state.buyerTok.access_token);
  const me = await Me.Get();
  eq([me.ID, me.Username, me.Buyer?.ID], [ids.buyerUser, ids.buyerUsername, ids.buyer], '[ID, Username, Buyer.ID]');
  hasAll(me.AvailableRoles, BUYER_ROLES, 'AvailableRoles');
});

// --- Product catalogs (as admin01)

const asAdmin = () => {
  need(['admin01 token', state.adminTok]);
  Tokens.SetAccessToken(state.adminTok.access_token);
};
const asBuyer = () => {
  need(['buyer01 token', state.buyerTok]);
  Tokens.SetAccessToken(state.buyerTok.access_token);
};

await step('Catalogs.Get default buyer catalog', async () => {
  asAdmin();
  const c = await Catalogs.Get(ids.buyer);
  eq([c.ID, c.Active, c.CategoryCount], [ids.buyer, true, 0], '[ID, Active, CategoryCount]');
  check(c.OwnerID, 'OwnerID should be the marketplace');
});

await step('Catalogs.ListAssignments: ViewAllProducts/ViewAllCategories true', async () => {
  asAdmin();
  const l = await Catalogs.ListAssignments({ catalogID: ids.buyer });
  eq(l.Items, [{ CatalogID: ids.buyer, BuyerID: ids.buyer, ViewAllCategories: true, ViewAllProducts: true }], 'Items');
  eq([l.Meta.Page, l.Meta.TotalCount, l.Meta.ItemRange], [1, 1, [1, 1]], '[Meta.Page, Meta.TotalCount, Meta.ItemRange]');
});

const productBody = (id, name, description, color) => ({
  ID: id, Name: name, Description: description, Active: true, xp: { Color: color, Run: RUN },
});

await step('Products.Create SHIRT', async () => {
  asAdmin();
  const p = await Products.Create(productBody(ids.shirt, 'Cotton T-Shirt', 'A plain white, cotton shirt for everyday use.', 'white'));
  eq([p.ID, p.Active, p.QuantityMultiplier, p.DefaultPriceScheduleID ?? null], [ids.shirt, true, 1, null],
    '[ID, Active, QuantityMultiplier, DefaultPriceScheduleID]');
  check(p.OwnerID, 'OwnerID should default to the marketplace');
  eq(p.xp, { Color: 'white', Run: RUN }, 'xp');
  state.shirt = true;
});

await step('PriceSchedules.Create SHIRT_PRICE with two price breaks', async () => {
  asAdmin();
  const ps = await PriceSchedules.Create({
    ID: ids.shirtPrice,
    Name: 'Cotton T-Shirt Price',
    PriceBreaks: [{ Quantity: 1, Price: 10 }, { Quantity: 5, Price: 8 }],
  });
  eq(ps.PriceBreaks.map((b) => [b.Quantity, b.Price]), [[1, 10], [5, 8]], 'PriceBreaks');
  eq(ps.MinQuantity, 1, 'MinQuantity default');
  state.price = true;
});

await step('Products.Patch DefaultPriceScheduleID', async () => {
  asAdmin();
  need(['SHIRT', state.shirt], ['SHIRT_PRICE', state.price]);
  const p = await Products.Patch(ids.shirt, { DefaultPriceScheduleID: ids.shirtPrice });
  eq([p.ID, p.DefaultPriceScheduleID, p.Name], [ids.shirt, ids.shirtPrice, 'Cotton T-Shirt'], '[ID, DefaultPriceScheduleID, Name]');
});

await step('Products.Patch Inventory {Enabled, QuantityAvailable: 5}', async () => {
  asAdmin();
  need(['SHIRT', state.shirt]);
  const p = await Products.Patch(ids.shirt, { Inventory: { Enabled: true, QuantityAvailable: 5 } });
  eq([p.Inventory?.Enabled, p.Inventory?.QuantityAvailable], [true, 5], '[Inventory.Enabled, Inventory.QuantityAvailable]');
  eq(p.DefaultPriceScheduleID, ids.shirtPrice, 'DefaultPriceScheduleID kept by the patch');
});

await step('Catalogs.SaveProductAssignment SHIRT to the default catalog', async () => {
  asAdmin();
  need(['SHIRT', state.shirt]);
  const r = await Catalogs.SaveProductAssignment({ CatalogID: ids.buyer, ProductID: ids.shirt });
  check(r === '' || r == null, `expected an empty 204 body, got ${short(JSON.stringify(r), 100)}`);
  const l = await Catalogs.ListProductAssignments({ catalogID: ids.buyer });
  eq(l.Items, [{ CatalogID: ids.buyer, ProductID: ids.shirt }], 'ListProductAssignments Items');
});

await step('Products.Create three more products to query', async () => {
  asAdmin();
  await Products.Create(productBody(ids.polo, 'Cotton Polo', 'A white polo shirt.', 'white'));
  await Products.Create(productBody(ids.sweater, 'Wool Sweater', 'A warm white sweater.', 'white'));
  await Products.Create(productBody(ids.hoodie, 'Cotton Hoodie', 'A black hoodie.', 'black'));
  state.more = true;
});

await step("Products.List search 'cotton' + filter xp.Color + sortBy ['!Name']", async () => {
  asAdmin();
  need(['products', state.more]);
  const l = await Products.List({ search: 'cotton', filters: { 'xp.Color': 'white', 'xp.Run': RUN }, sortBy: ['!Name'] });
  eq(l.Items.map((p) => p.ID), [ids.shirt, ids.polo], 'IDs (Cotton T-Shirt, Cotton Polo)');
  eq(l.Meta.TotalCount, 2, 'Meta.TotalCount');
});

await step('Products.List nested filters object + two-field sortBy', async () => {
  asAdmin();
  need(['products', state.more]);
  // the SDK flattens {xp: {Run}} to xp.Run=… and joins sortBy with a comma
  const l = await Products.List({ filters: { xp: { Run: RUN } }, sortBy: ['xp.Color', '!Name'] });
  eq(l.Items.map((p) => p.Name), ['Cotton Hoodie', 'Wool Sweater', 'Cotton T-Shirt', 'Cotton Polo'], 'Names');
});

await step('Products.List paging (page 2, pageSize 3) and wildcard/OR filter', async () => {
  asAdmin();
  need(['products', state.more]);
  const l = await Products.List({ filters: { 'xp.Run': RUN }, sortBy: ['Name'], page: 2, pageSize: 3 });
  eq(l.Items.map((p) => p.Name), ['Wool Sweater'], 'page 2 Names');
  eq([l.Meta.Page, l.Meta.PageSize, l.Meta.TotalCount, l.Meta.TotalPages, l.Meta.ItemRange], [2, 3, 4, 2, [4, 4]],
    '[Page, PageSize, TotalCount, TotalPages, ItemRange]');
  const w = await Products.List({ filters: { ID: `POLO_${RUN}|HOODIE_${RUN}`, Name: 'Cotton*' }, sortBy: ['ID'] });
  eq(w.Items.map((p) => p.ID), [ids.hoodie, ids.polo], 'OR + wildcard filter IDs');
});

// --- Buyer perspective (as buyer01)

await step('Me.ListProducts shows SHIRT with its PriceSchedule', async () => {
  asBuyer();
  const l = await Me.ListProducts();
  eq(l.Items.map((p) => p.ID), [ids.shirt], 'visible product IDs');
  const p = l.Items[0];
  eq(p.PriceSchedule?.ID, ids.shirtPrice, 'PriceSchedule.ID');
  eq(p.PriceSchedule.PriceBreaks.map((b) => [b.Quantity, b.Price]), [[1, 10], [5, 8]], 'PriceSchedule.PriceBreaks');
  check(Array.isArray(l.Meta.Facets), `Meta.Facets should be an array, got ${JSON.stringify(l.Meta.Facets)}`);
});

await step('Me.GetProduct SHIRT', async () => {
  asBuyer();
  const p = await Me.GetProduct(ids.shirt);
  eq([p.ID, p.PriceSchedule?.ID], [ids.shirt, ids.shirtPrice], '[ID, PriceSchedule.ID]');
});

await step("Orders.Create('Outgoing', {})", async () => {
  asBuyer();
  const o = await Orders.Create('Outgoing', {});
  check(o.ID, 'no order ID');
  eq([o.Status, o.IsSubmitted, o.LineItemCount, o.Total, o.FromUserID, o.FromCompanyID, o.FromUser?.Username],
    ['Unsubmitted', false, 0, 0, ids.buyerUser, ids.buyer, ids.buyerUsername],
    '[Status, IsSubmitted, LineItemCount, Total, FromUserID, FromCompanyID, FromUser.Username]');
  check(o.ToCompanyID, 'ToCompanyID should be the marketplace');
  state.order = o.ID;
});

await step('LineItems.Create SHIRT x2: UnitPrice 10, LineTotal 20', async () => {
  asBuyer();
  need(['order', state.order]);
  const li = await LineItems.Create('Outgoing', state.order, { ProductID: ids.shirt, Quantity: 2 });
  eq([li.ProductID, li.Quantity, li.UnitPrice, li.LineTotal, li.LineSubtotal, li.QuantityShipped, li.Product?.ID],
    [ids.shirt, 2, 10, 20, 20, 0, ids.shirt],
    '[ProductID, Quantity, UnitPrice, LineTotal, LineSubtotal, QuantityShipped, Product.ID]');
  state.lineItem = li.ID;
});

await step('Orders.Get: Subtotal 20, Total 20, LineItemCount 1', async () => {
  asBuyer();
  need(['line item', state.lineItem]);
  const o = await Orders.Get('Outgoing', state.order);
  eq([o.Subtotal, o.Total, o.LineItemCount], [20, 20, 1], '[Subtotal, Total, LineItemCount]');
});

await step('Orders.SetShippingAddress', async () => {
  asBuyer();
  need(['line item', state.lineItem]);
  const address = {
    FirstName: 'Buyer', LastName: 'User', Street1: '1 Main St', City: 'Minneapolis', State: 'MN', Zip: '55401', Country: 'US',
  };
  const o = await Orders.SetShippingAddress('Outgoing', state.order, address);
  eq(o.ID, state.order, 'order ID');
  const li = await LineItems.Get('Outgoing', state.order, state.lineItem);
  eq([li.ShippingAddress?.Street1, li.ShippingAddress?.City], ['1 Main St', 'Minneapolis'], 'line item ShippingAddress');
});

await step('Me.ListOrders({filters: {IsSubmitted: false}}) shows the unsubmitted order', async () => {
  asBuyer();
  need(['order', state.order]);
  const l = await Me.ListOrders({ filters: { IsSubmitted: false } });
  const o = l.Items.find((x) => x.ID === state.order);
  check(o, `order ${state.order} not in ${short(JSON.stringify(l.Items.map((x) => x.ID)), 200)}`);
  eq([o.Status, o.LineItemCount, o.Total], ['Unsubmitted', 1, 20], '[Status, LineItemCount, Total]');
});

await step('price break: a second order with SHIRT x5 costs 8 each', async () => {
  asBuyer();
  need(['SHIRT', state.shirt]);
  const o = await Orders.Create('Outgoing', { xp: { Purpose: 'price-break' } });
  state.order2 = o.ID;
  const li = await LineItems.Create('Outgoing', o.ID, { ProductID: ids.shirt, Quantity: 5 });
  eq([li.UnitPrice, li.LineTotal], [8, 40], '[UnitPrice, LineTotal]');
});

await step("Orders.Submit('Outgoing', id) -> Open", async () => {
  asBuyer();
  need(['line item', state.lineItem]);
  const o = await Orders.Submit('Outgoing', state.order);
  eq([o.Status, o.IsSubmitted, o.Total], ['Open', true, 20], '[Status, IsSubmitted, Total]');
  check(o.DateSubmitted, 'DateSubmitted not set');
  state.submitted = true;
});

await step('inventory decremented to 3 by the submit', async () => {
  asAdmin();
  need(['submitted order', state.submitted]);
  const p = await Products.Get(ids.shirt);
  eq(p.Inventory?.QuantityAvailable, 3, 'Inventory.QuantityAvailable');
});

// --- Error cases

await step('error: wrong password -> 400 Auth.InvalidUsernameOrPassword', async () => {
  need(['shared API client', state.clientID]);
  const e = await expectError(() => Auth.Login(ids.buyerUsername, 'Wr0ngPassword', state.clientID, BUYER_ROLES),
    400, 'Auth.InvalidUsernameOrPassword');
  state.authError = e.response.data;
});

await step('error: oauth error body also has the OAuth "error" field', async () => {
  need(['auth error', state.authError]);
  eq(state.authError.error, 'invalid_grant', 'error');
});

await step('error: buyer calls Products.Create -> 403 Auth.InsufficientRoles', async () => {
  asBuyer();
  await expectError(() => Products.Create({ ID: `HACK_${RUN}`, Name: 'nope' }), 403, 'Auth.InsufficientRoles');
});

await step("error: Products.Get('NOPE') -> 404 NotFound with Data", async () => {
  asAdmin();
  const e = await expectError(() => Products.Get('NOPE'), 404, 'NotFound');
  eq([e.errors[0].Data?.ObjectType, e.errors[0].Data?.ObjectID], ['Product', 'NOPE'], '[Data.ObjectType, Data.ObjectID]');
  eq(e.message, 'Product NOPE not found', 'OrderCloudError.message');
});

await step('error: line item beyond the remaining stock -> 400 Inventory.Insufficient', async () => {
  asBuyer();
  need(['submitted order', state.submitted]);
  const o = await Orders.Create('Outgoing', {});
  state.order3 = o.ID;
  // 4 would fit the original 5 but not the 3 left after the submit
  await expectError(() => LineItems.Create('Outgoing', o.ID, { ProductID: ids.shirt, Quantity: 4 }), 400, 'Inventory.Insufficient');
});

await step('error: submitting the same order twice -> 400 Order.CannotSubmitBadStatus', async () => {
  asBuyer();
  need(['submitted order', state.submitted]);
  await expectError(() => Orders.Submit('Outgoing', state.order), 400, 'Order.CannotSubmitBadStatus');
});

// --- Order fulfillment (as admin01)

await step("Orders.List('Incoming', {filters: {Status: 'Open'}}) shows the order", async () => {
  asAdmin();
  need(['submitted order', state.submitted]);
  const l = await Orders.List('Incoming', { filters: { Status: 'Open' } });
  const o = l.Items.find((x) => x.ID === state.order);
  check(o, `order ${state.order} not among ${short(JSON.stringify(l.Items.map((x) => x.ID)), 200)}`);
  eq([o.Status, o.FromUserID, o.Total, o.LineItemCount], ['Open', ids.buyerUser, 20, 1], '[Status, FromUserID, Total, LineItemCount]');
  check(l.Items.every((x) => x.Status === 'Open'), 'filter Status=Open returned other statuses');
});

await step('Shipments.Create', async () => {
  asAdmin();
  need(['submitted order', state.submitted]);
  const s = await Shipments.Create({ ID: ids.shipment, BuyerID: ids.buyer, Shipper: 'UPS', TrackingNumber: `1Z${RUN}` });
  eq([s.ID, s.BuyerID, s.Shipper], [ids.shipment, ids.buyer, 'UPS'], '[ID, BuyerID, Shipper]');
  state.shipment = s.ID;
});

await step('Shipments.SaveItem {OrderID, LineItemID, QuantityShipped: 2}', async () => {
  asAdmin();
  need(['shipment', state.shipment], ['line item', state.lineItem]);
  const it = await Shipments.SaveItem(state.shipment, { OrderID: state.order, LineItemID: state.lineItem, QuantityShipped: 2 });
  eq([it.OrderID, it.LineItemID, it.QuantityShipped], [state.order, state.lineItem, 2], '[OrderID, LineItemID, QuantityShipped]');
  state.shipped = true;
});

await step('Shipments.Patch {DateShipped} once its items are on it', async () => {
  asAdmin();
  need(['shipped item', state.shipped]);
  // As Shipment.DateShipped documents: the order completes once its items
  // are on shipments that have shipped.
  const s = await Shipments.Patch(state.shipment, { DateShipped: new Date().toISOString() });
  check(s.DateShipped, 'DateShipped not set');
});

await step('order is Completed once every line item shipped', async () => {
  asAdmin();
  need(['shipped item', state.shipped]);
  const o = await Orders.Get('Incoming', state.order);
  eq(o.Status, 'Completed', 'Status');
  check(o.DateCompleted, 'DateCompleted not set');
  const li = await LineItems.Get('Incoming', state.order, state.lineItem);
  eq(li.QuantityShipped, 2, 'line item QuantityShipped');
});

await step('Shipments.List({orderID}) lists only that order\'s shipment; ListItems', async () => {
  asAdmin();
  need(['shipped item', state.shipped]);
  // a second shipment with no items of this order must not be listed
  await Shipments.Create({ ID: `${ids.shipment}_OTHER`, BuyerID: ids.buyer, Shipper: 'FedEx' });
  const l = await Shipments.List({ orderID: state.order });
  eq(l.Items.map((s) => s.ID), [ids.shipment], 'shipment IDs');
  const items = await Shipments.ListItems(state.shipment);
  eq(items.Items.map((i) => [i.LineItemID, i.QuantityShipped]), [[state.lineItem, 2]], 'shipment items');
});

// The "Viewing incoming orders" guide logs admin01 in with scope OrderAdmin
// only, then completes one order and ships another with the shorthands.

await step("Auth.Login admin01 with scope ['OrderAdmin'] only", async () => {
  need(['shared API client', state.clientID]);
  const t = await Auth.Login(ids.adminUsername, ADMIN_PASSWORD, state.clientID, ['OrderAdmin']);
  eq(rolesOf(decodeJwt(t.access_token)), ['OrderAdmin'], 'role claim');
  state.orderAdminTok = t.access_token;
  await expectError(() => Products.Get(ids.shirt, { accessToken: t.access_token }), 403, 'Auth.InsufficientRoles');
});

async function submitOneShirt() {
  asBuyer();
  const o = await Orders.Create('Outgoing', {});
  await LineItems.Create('Outgoing', o.ID, { ProductID: ids.shirt, Quantity: 1 });
  const s = await Orders.Submit('Outgoing', o.ID);
  eq(s.Status, 'Open', 'submitted Status');
  return o.ID;
}

await step('buyer01 submits two more orders of one SHIRT each', async () => {
  need(['submitted order', state.submitted]);
  state.order4 = await submitOneShirt();
  state.order5 = await submitOneShirt();
});

await step("Orders.Complete('Incoming', id) -> Completed", async () => {
  need(['order to complete', state.order4], ['OrderAdmin token', state.orderAdminTok]);
  Tokens.SetAccessToken(state.orderAdminTok);
  const o = await Orders.Complete('Incoming', state.order4);
  eq([o.ID, o.Status], [state.order4, 'Completed'], '[ID, Status]');
  check(o.DateCompleted, 'DateCompleted not set');
});

await step("Orders.Ship('Incoming', id) as in the docs (no body) -> Completed", async () => {
  need(['order to ship', state.order5], ['OrderAdmin token', state.orderAdminTok]);
  Tokens.SetAccessToken(state.orderAdminTok);
  const o = await Orders.Ship('Incoming', state.order5);
  eq([o.ID, o.Status], [state.order5, 'Completed'], '[ID, Status]');
  const l = await Orders.ListShipments('Incoming', state.order5);
  eq(l.Items.length, 1, 'shipments of the order');
});

await step('inventory is 1 after the two extra orders', async () => {
  asAdmin();
  need(['extra orders', state.order5]);
  const p = await Products.Get(ids.shirt);
  eq(p.Inventory?.QuantityAvailable, 1, 'Inventory.QuantityAvailable');
});

// --- Refresh tokens

await step('Auth.RefreshToken(refresh_token, clientID)', async () => {
  need(['buyer01 token', state.buyerTok]);
  const t = await Auth.RefreshToken(state.buyerTok.refresh_token, state.clientID);
  check(t.access_token && t.access_token !== state.buyerTok.access_token, 'no new access_token');
  const c = decodeJwt(t.access_token);
  eq([c.usr, c.cid], [ids.buyerUsername, state.clientID], '[usr, cid] of the refreshed token');
  const me = await Me.Get({ accessToken: t.access_token });
  eq(me.ID, ids.buyerUser, 'Me.Get with the refreshed token');
});

await step('SDK auto-refresh of an expired token (reads exp and cid, reuses refresh_token)', async () => {
  need(['buyer01 token', state.buyerTok]);
  const expired = withClaims(state.buyerTok.access_token, { exp: Math.floor(Date.now() / 1000) - 3600 });
  Configuration.Set({ clientID: null }); // make the SDK take the client ID from the token's cid claim
  try {
    Tokens.SetRefreshToken(state.buyerTok.refresh_token);
    Tokens.SetAccessToken(expired);
    const me = await Me.Get();
    eq(me.ID, ids.buyerUser, 'Me.Get after auto-refresh');
    const now = Tokens.GetAccessToken();
    check(now !== expired && decodeJwt(now).exp > Date.now() / 1000, 'the SDK did not store a refreshed token');
  } finally {
    Tokens.RemoveRefreshToken();
    Configuration.Set({ clientID: state.clientID });
  }
});

// --- Breadth: seller, supplier and catalog resources (as the marketplace owner)

const asOwner = () => {
  need(['owner token', state.ownerToken]);
  Tokens.SetAccessToken(state.ownerToken);
};

await step('Incrementors: Products.Create with ID "TEE-{incrementor}"', async () => {
  asOwner();
  const inc = `INC_${RUN}`;
  await Incrementors.Create({ ID: inc, Name: 'Tees', LastNumber: 41, LeftPaddingCount: 5 });
  const p = await Products.Create({ ID: `TEE-{${inc}}`, Name: 'Numbered tee', Active: true });
  eq(p.ID, 'TEE-00042', 'generated ID');
  eq((await Incrementors.Get(inc)).LastNumber, 42, 'LastNumber');
  await Products.Delete(p.ID);
});

await step('ApiClients.CreateSecret then Auth.ClientCredentials with it', async () => {
  asOwner();
  const sec = await ApiClients.CreateSecret(ADMIN_CLIENT_ID, { Name: `journey ${RUN}` });
  check(sec.ClientSecret && sec.ID, `no ClientSecret in ${JSON.stringify(sec)}`);
  const listed = await ApiClients.ListSecrets(ADMIN_CLIENT_ID);
  check(listed.Items.some((x) => x.ID === sec.ID && !x.ClientSecret), 'listed secrets must not show the value');
  const t = await Auth.ClientCredentials(sec.ClientSecret, ADMIN_CLIENT_ID, ['FullAccess']);
  check(t.access_token, 'no token with the new secret');
  await ApiClients.DeleteSecret(ADMIN_CLIENT_ID, sec.ID);
  Tokens.SetAccessToken(state.ownerToken);
});

await step('Suppliers, SupplierUsers and Suppliers.SaveBuyer', async () => {
  asOwner();
  const sup = `SUPPLIER_${RUN}`;
  await Suppliers.Create({ ID: sup, Name: 'Acme Supply', Active: true });
  await SupplierUsers.Create(sup, { ID: `SU_${RUN}`, Username: `supplier01_${run}`, FirstName: 'Sam', LastName: 'Supply',
    Email: 'sam@example.com', Active: true });
  need(['buyer', state.buyerCreated]);
  await Suppliers.SaveBuyer(sup, ids.buyer);
  const l = await Suppliers.ListBuyers(sup);
  eq(l.Items.map((b) => b.ID), [ids.buyer], 'supplier buyers');
  state.supplier = sup;
});

await step('Specs + options, Specs.SaveProductAssignment, Products.GenerateVariants', async () => {
  asOwner();
  need(['SHIRT', state.shirt]);
  const size = `SIZE_${RUN}`;
  const color = `COLOR_${RUN}`;
  for (const [id, name, opts] of [[size, 'Size', ['S', 'M']], [color, 'Color', ['Red', 'Blue', 'Green']]]) {
    await Specs.Create({ ID: id, Name: name, Required: true, DefinesVariant: true, ListOrder: id === size ? 1 : 2 });
    for (const [i, o] of opts.entries()) await Specs.CreateOption(id, { ID: o, Value: o, ListOrder: i + 1 });
    await Specs.SaveProductAssignment({ SpecID: id, ProductID: ids.shirt });
  }
  const p = await Products.GenerateVariants(ids.shirt, {});
  eq(p.VariantCount, 6, 'VariantCount');
  const v = await Products.ListVariants(ids.shirt, { pageSize: 100 });
  eq(v.Items.map((x) => x.ID).sort(), ['S', 'M'].flatMap((a) => ['Red', 'Blue', 'Green'].map((b) => `${ids.shirt}-${a}-${b}`)).sort(), 'variant IDs');
  const one = await Products.GetVariant(ids.shirt, `${ids.shirt}-M-Blue`);
  eq(one.Specs.map((x) => x.OptionID), ['M', 'Blue'], 'variant specs');
});

await step('AdminAddresses + InventoryRecords (multi-location)', async () => {
  asOwner();
  need(['SHIRT', state.shirt]);
  const wh = `WH_${RUN}`;
  await AdminAddresses.Create({ ID: wh, AddressName: 'Warehouse', Street1: '1 Dock St', City: 'Minneapolis', State: 'MN', Zip: '55401', Country: 'US' });
  const r = await InventoryRecords.Create(ids.shirt, { ID: `INV_${RUN}`, AddressID: wh, QuantityAvailable: 25, AllowAllBuyers: true });
  eq([r.AddressID, r.QuantityAvailable], [wh, 25], '[AddressID, QuantityAvailable]');
  const l = await InventoryRecords.List(ids.shirt);
  eq(l.Items.map((x) => x.ID), [`INV_${RUN}`], 'records');
});

await step('Promotions + assignment, seen by the buyer in Me.ListPromotions', async () => {
  asOwner();
  need(['buyer', state.buyerCreated]);
  const id = `PROMO_${RUN}`;
  await Promotions.Create({ ID: id, Code: `SAVE10-${RUN}`, Name: '10 off', EligibleExpression: 'order.Subtotal > 50', ValueExpression: '10', Active: true });
  await Promotions.SaveAssignment({ PromotionID: id, BuyerID: ids.buyer });
  await expectError(() => Promotions.Create({ Code: `save10-${RUN}`, Name: 'dup', EligibleExpression: 'true', ValueExpression: '1' }), 409, 'Promotion.CodeInUse');
  asBuyer();
  const l = await Me.ListPromotions();
  check(l.Items.some((x) => x.ID === id), `promotion not in Me.ListPromotions: ${short(JSON.stringify(l.Items.map((x) => x.ID)), 200)}`);
});

await step('ProductFacets: Me.ListProducts returns Meta.Facets counts', async () => {
  asOwner();
  const facet = `COLORFACET_${RUN}`;
  await ProductFacets.Create({ ID: facet, Name: 'Color', XpPath: 'Color', MinCount: 1 });
  try {
    asBuyer();
    const l = await Me.ListProducts({ filters: { 'xp.Run': RUN } });
    const f = l.Meta.Facets.find((x) => x.XpPath === 'Color');
    check(f, `no Color facet in ${short(JSON.stringify(l.Meta.Facets), 300)}`);
    check(f.Values.every((v) => v.Count >= 1), `counts ${JSON.stringify(f.Values)}`);
  } finally {
    asOwner();
    await ProductFacets.Delete(facet);
  }
});

await step('Bundles + product and catalog assignments', async () => {
  asOwner();
  need(['SHIRT', state.shirt]);
  const b = `BUNDLE_${RUN}`;
  await Bundles.Create({ ID: b, Name: 'Starter kit', Active: true });
  await Bundles.SaveProductAssignment({ BundleID: b, ProductID: ids.shirt, Required: true });
  await Catalogs.SaveBundleAssignment({ CatalogID: ids.buyer, BundleID: b });
  eq((await Bundles.ListProductAssignments({ bundleID: b })).Items.map((x) => x.ProductID), [ids.shirt], 'bundle products');
  await Bundles.Delete(b);
});

await step('Locales + assignment to the buyer', async () => {
  asOwner();
  need(['buyer', state.buyerCreated]);
  const id = `LOC_${RUN}`;
  await Locales.Create({ ID: id, Currency: 'EUR', Language: `de-${RUN.slice(0, 2)}` });
  await Locales.SaveAssignment({ LocaleID: id, BuyerID: ids.buyer });
  const l = await Locales.ListAssignments({ buyerID: ids.buyer });
  eq(l.Items.map((x) => x.LocaleID), [id], 'locale assignments');
  await Locales.Delete(id);
});

await step('CostCenters / SpendingAccounts assigned to a user group, seen through Me', async () => {
  asOwner();
  need(['buyer', state.buyerCreated], ['buyer user', state.buyerUserCreated]);
  const g = `GROUP_${RUN}`;
  await UserGroups.Create(ids.buyer, { ID: g, Name: 'Purchasing' });
  await UserGroups.SaveUserAssignment(ids.buyer, { UserGroupID: g, UserID: ids.buyerUser });
  await CostCenters.Create(ids.buyer, { ID: `CC_${RUN}`, Name: 'Marketing' });
  await CostCenters.SaveAssignment(ids.buyer, { CostCenterID: `CC_${RUN}`, UserGroupID: g });
  await SpendingAccounts.Create(ids.buyer, { ID: `SA_${RUN}`, Name: 'Q1 budget', Balance: 1000.25 });
  await SpendingAccounts.SaveAssignment(ids.buyer, { SpendingAccountID: `SA_${RUN}`, UserGroupID: g });
  asBuyer();
  eq((await Me.ListCostCenters()).Items.map((x) => x.ID), [`CC_${RUN}`], 'Me cost centers');
  const sa = await Me.ListSpendingAccounts();
  eq(sa.Items.map((x) => [x.ID, x.Balance]), [[`SA_${RUN}`, 1000.25]], 'Me spending accounts');
  eq((await Me.ListUserGroups()).Items.map((x) => x.ID), [g], 'Me user groups');
  state.spendingAccount = `SA_${RUN}`;
});

await step('Payments: a SpendingAccount payment draws the balance; deleting it gives it back', async () => {
  asBuyer();
  need(['unsubmitted order', state.order3], ['spending account', state.spendingAccount]);
  const sa = state.spendingAccount;
  const pay = { Type: 'SpendingAccount', SpendingAccountID: sa, Amount: 0.25 };
  // Not allowed as a payment method yet.
  await expectError(() => Payments.Create('Outgoing', state.order3, pay), 400, 'Payment.InvalidSpendingAccountID');
  asOwner();
  await SpendingAccounts.Patch(ids.buyer, sa, { AllowAsPaymentMethod: true });
  asBuyer();
  const p = await Payments.Create('Outgoing', state.order3, pay);
  eq([p.Type, p.SpendingAccountID, p.Amount, p.Accepted], ['SpendingAccount', sa, 0.25, true], '[Type, SpendingAccountID, Amount, Accepted]');
  eq((await Me.GetSpendingAccount(sa)).Balance, 1000, 'balance after paying 0.25');
  eq((await Payments.List('Outgoing', state.order3)).Items.map((x) => x.ID), [p.ID], 'payments of the order');
  await expectError(() => Payments.Create('Outgoing', state.order3, { Type: 'PurchaseOrder', Amount: 0 }), 400, 'Payment.AmountGreaterThanZero');
  await Payments.Delete('Outgoing', state.order3, p.ID);
  eq((await Me.GetSpendingAccount(sa)).Balance, 1000.25, 'balance given back');
});

await step('Addresses assigned to the buyer show in Me.ListAddresses; Me.CreateAddress needs MeAddressAdmin', async () => {
  asOwner();
  need(['buyer', state.buyerCreated]);
  const id = `HQ_${RUN}`;
  await Addresses.Create(ids.buyer, { ID: id, AddressName: 'HQ', Street1: '2 Elm St', City: 'St Paul', State: 'MN', Zip: '55101', Country: 'US' });
  await Addresses.SaveAssignment(ids.buyer, { AddressID: id, IsShipping: true, IsBilling: false });
  asBuyer();
  const a = (await Me.ListAddresses()).Items.find((x) => x.ID === id);
  check(a, 'assigned address not listed');
  eq([a.Shipping, a.Billing, a.Editable], [true, false, false], '[Shipping, Billing, Editable]');
  // buyer01's roles (MeAdmin, PasswordReset, Shopper) do not include MeAddressAdmin.
  await expectError(() => Me.CreateAddress({ Street1: '3 Oak St', City: 'X', State: 'MN', Zip: '1', Country: 'US', Shipping: true }), 403, 'Auth.InsufficientRoles');
});

// --- The cart and anonymous shopping (guest checkout)

await step('an anonymous storefront client (IsAnonBuyer) and a product to shop', async () => {
  asOwner();
  need(['buyer', state.buyerCreated]);
  const ctx = `anon_${run}`;
  await Users.Create(ids.buyer, { ID: `ANON_${RUN}`, Username: ctx, FirstName: 'Guest', LastName: 'Template', Email: `${ctx}@example.com`, Active: true });
  const c = await ApiClients.Create({ AppName: `Storefront ${RUN}`, Active: true, AllowAnyBuyer: true, IsAnonBuyer: true,
    DefaultContextUserName: ctx, AccessTokenDuration: 600 });
  await PriceSchedules.Create({ ID: `MUG_PRICE_${RUN}`, Name: 'Mug', PriceBreaks: [{ Quantity: 1, Price: 12.5 }] });
  await Products.Create({ ID: `MUG_${RUN}`, Name: 'Mug', Active: true, DefaultPriceScheduleID: `MUG_PRICE_${RUN}` });
  await Catalogs.SaveProductAssignment({ CatalogID: ids.buyer, ProductID: `MUG_${RUN}` });
  state.anonClient = c.ID;
});

async function anonymous() {
  const t = await Auth.Anonymous(state.anonClient, ['Shopper', 'MeAdmin']);
  const claims = decodeJwt(t.access_token);
  check(claims.orderid, `no orderid claim in ${JSON.stringify(claims)}`);
  return { token: t.access_token, orderID: claims.orderid, claims, response: t };
}

await step('Auth.Anonymous: a week-long token with an orderid, no refresh token', async () => {
  need(['anonymous client', state.anonClient]);
  const a = await anonymous();
  eq([a.claims.usr, a.claims.usrtype, a.claims.cid, a.response.expires_in, a.response.refresh_token ?? null],
    [`anon_${run}`, 'buyer', state.anonClient, 604800, null], '[usr, usrtype, cid, expires_in, refresh_token]');
  state.anon = a;
});

await step('Cart: empty, then Cart.CreateLineItem makes the order the token names', async () => {
  need(['anonymous token', state.anon]);
  Tokens.SetAccessToken(state.anon.token);
  const empty = await Cart.Get();
  eq([empty.ID, empty.LineItemCount], [null, 0], '[ID, LineItemCount] of an empty cart');
  eq((await Cart.ListLineItems()).Items, [], 'empty cart line items');
  const li = await Cart.CreateLineItem({ ProductID: `MUG_${RUN}`, Quantity: 2 });
  eq([li.UnitPrice, li.LineTotal], [12.5, 25], '[UnitPrice, LineTotal]');
  const c = await Cart.Get();
  eq([c.ID, c.LineItemCount, c.Total], [state.anon.orderID, 1, 25], '[ID, LineItemCount, Total]');
  await Cart.PatchFromUser({ FirstName: 'Ada', Email: 'ada@example.com' });
  await expectError(() => Me.Patch({ FirstName: 'Hijack' }), 403, 'Auth.AnonUserProhibited');
});

await step('Me.Register turns the shopper into a user who keeps the cart, then submits it', async () => {
  need(['anonymous cart', state.anon]);
  Tokens.SetAccessToken(state.anon.token);
  await expectError(() => Me.Register({ Username: `guest_${run}`, FirstName: 'A', LastName: 'L', Email: 'a@example.com', Active: true }),
    400, 'Auth.MustPassAnonUserToken');
  const r = await Me.Register({ ID: `GUEST_${RUN}`, Username: `guest_${run}`, Password: `Gu3stUser${RUN}`, FirstName: 'Ada',
    LastName: 'Lovelace', Email: 'ada@example.com', Active: true }, { anonUserToken: state.anon.token });
  check(r.access_token, `no access_token in ${JSON.stringify(r)}`);
  Tokens.SetAccessToken(r.access_token);
  eq((await Me.Get()).ID, `GUEST_${RUN}`, 'registered user');
  const c = await Cart.Get();
  eq([c.ID, c.FromUserID], [state.anon.orderID, `GUEST_${RUN}`], '[cart ID, FromUserID]');
  const o = await Cart.Submit();
  eq([o.ID, o.Status], [state.anon.orderID, 'Open'], '[submitted ID, Status]');
  eq((await Cart.Get()).ID, null, 'cart after submitting');
});

await step('Me.TransferAnonUserOrder hands a guest cart to buyer01 on login', async () => {
  need(['anonymous client', state.anonClient]);
  const a = await anonymous();
  Tokens.SetAccessToken(a.token);
  await Cart.CreateLineItem({ ProductID: `MUG_${RUN}`, Quantity: 1 });
  asBuyer();
  await Me.TransferAnonUserOrder({ anonUserToken: a.token });
  const c = await Cart.Get();
  eq([c.ID, c.FromUserID, c.LineItemCount], [a.orderID, ids.buyerUser, 1], '[cart ID, FromUserID, LineItemCount]');
  await Cart.Delete();
  check((await Cart.Get()).ID !== a.orderID, 'the deleted order is still the cart');
});

// --- Order approval (B2B): a rule holds big orders for an approving group

await step('ApprovalRules.Create: orders over 50 need the APPROVERS group', async () => {
  Tokens.SetAccessToken(state.ownerToken);
  need(['buyer', state.buyerCreated], ['shirt price', state.price]);
  await Products.Create({ ...productBody(`DESK_${RUN}`, 'Standing Desk', 'A desk to stand at.', 'oak'),
    DefaultPriceScheduleID: ids.shirtPrice });
  await Catalogs.SaveProductAssignment({ CatalogID: ids.buyer, ProductID: `DESK_${RUN}` });
  await UserGroups.Create(ids.buyer, { ID: `APPROVERS_${RUN}`, Name: 'Approvers' });
  await Users.Create(ids.buyer, { ID: `APPROVER_${RUN}`, Username: `approver01_${run}`, Password: BUYER_PASSWORD,
    FirstName: 'Ann', LastName: 'Approver', Email: 'approver@example.com', Active: true });
  await UserGroups.SaveUserAssignment(ids.buyer, { UserGroupID: `APPROVERS_${RUN}`, UserID: `APPROVER_${RUN}` });
  await expectError(() => ApprovalRules.Create(ids.buyer, { ID: `BAD_${RUN}`, ApprovingGroupID: `APPROVERS_${RUN}`,
    RuleExpression: 'order.Total >' }), 400, 'Expression.InvalidSyntax');
  const r = await ApprovalRules.Create(ids.buyer, { ID: `BIG_${RUN}`, Name: 'Big orders', ApprovingGroupID: `APPROVERS_${RUN}`,
    RuleExpression: 'order.Total > 50' });
  eq([r.ID, r.RuleExpression], [`BIG_${RUN}`, 'order.Total > 50'], '[ID, RuleExpression]');
  state.approvalRule = true;
});

await step('an 80.00 order is held AwaitingApproval on submit; ListEligibleApprovers names the approver', async () => {
  need(['approval rule', state.approvalRule]);
  asBuyer();
  const o = await Orders.Create('Outgoing', {});
  await LineItems.Create('Outgoing', o.ID, { ProductID: `DESK_${RUN}`, Quantity: 10 });
  const held = await Orders.Submit('Outgoing', o.ID);
  eq([held.Status, held.IsSubmitted, held.Total], ['AwaitingApproval', false, 80], '[Status, IsSubmitted, Total]');
  const approvers = await Orders.ListEligibleApprovers('Outgoing', o.ID);
  eq(approvers.Items.map((u) => u.ID), [`APPROVER_${RUN}`], 'eligible approvers');
  state.heldOrder = o.ID;
});

await step('the approver sees it in Me.ListApprovableOrders and approves it -> Open', async () => {
  need(['held order', state.heldOrder]);
  await login('approverTok', `approver01_${run}`, BUYER_PASSWORD, BUYER_ROLES);
  Tokens.SetAccessToken(state.approverTok.access_token);
  const l = await Me.ListApprovableOrders();
  check(l.Items.some((x) => x.ID === state.heldOrder), `held order not approvable: ${short(JSON.stringify(l.Items.map((x) => x.ID)), 200)}`);
  const o = await Orders.Approve('Outgoing', state.heldOrder, { Comments: 'fine by me' });
  eq([o.Status, o.IsSubmitted], ['Open', true], '[Status, IsSubmitted]');
  check(o.DateApproved, 'DateApproved not set');
  asBuyer();
  const a = await Orders.ListApprovals('Outgoing', state.heldOrder);
  eq(a.Items.map((x) => [x.ApprovalRuleID, x.Status, x.Comments]), [[`BIG_${RUN}`, 'Approved', 'fine by me']],
    'approvals [ApprovalRuleID, Status, Comments]');
});

await step('ApprovalRules.Delete: small and big orders submit straight to Open again', async () => {
  need(['approval rule', state.approvalRule]);
  Tokens.SetAccessToken(state.ownerToken);
  await ApprovalRules.Delete(ids.buyer, `BIG_${RUN}`);
  asBuyer();
  const o = await Orders.Create('Outgoing', {});
  await LineItems.Create('Outgoing', o.ID, { ProductID: `DESK_${RUN}`, Quantity: 10 });
  eq((await Orders.Submit('Outgoing', o.ID)).Status, 'Open', 'Status');
});

// --- Tidy up the run's unsubmitted orders

await step("Orders.Delete('Outgoing', …) the unsubmitted orders", async () => {
  asBuyer();
  for (const id of [state.order2, state.order3].filter(Boolean)) await Orders.Delete('Outgoing', id);
  const l = await Me.ListOrders({ filters: { Status: 'Unsubmitted' } });
  const left = l.Items.filter((o) => o.ID === state.order2 || o.ID === state.order3);
  eq(left.map((o) => o.ID), [], 'deleted orders still listed');
});

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
