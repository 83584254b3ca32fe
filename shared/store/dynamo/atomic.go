package dynamo

import "sync/atomic"

func atomicAdd(p *int64, d int64)   { atomic.AddInt64(p, d) }
func atomicLoad(p *int64) int64     { return atomic.LoadInt64(p) }
func atomicStore(p *int64, v int64) { atomic.StoreInt64(p, v) }
