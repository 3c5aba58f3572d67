package waitgroupmisuse

import "sync"

// startThenFinish waits until the worker has started, re-arms the group for the worker's second Done and only
// then lets it finish: the worker's two Dones match the two Adds.
func startThenFinish() {
	var wg sync.WaitGroup
	proceed := make(chan struct{})
	wg.Add(1)
	go func() {
		wg.Done() // started
		defer wg.Done()
		<-proceed
	}()
	wg.Wait()
	wg.Add(1)
	close(proceed)
	wg.Wait()
}

func NegReAddAfterWait() {
	startThenFinish()
}
