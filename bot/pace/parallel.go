package pace

import (
	"sync"
	"sync/atomic"
)

// Workers bounds how many platform calls the core makes at once (posting,
// closing, reminders): each channel or user is handled on its own, so one
// slow platform call holds up only its channel and a worker.
const Workers = 32

// Parallel runs f(0) … f(n-1) on at most workers goroutines and returns
// when all are done.
func Parallel(workers, n int, f func(i int)) {
	workers = min(n, workers)
	if workers <= 1 {
		for i := 0; i < n; i++ {
			f(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() { // owned by Parallel, which waits for it
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				f(i)
			}
		}()
	}
	wg.Wait()
}
