// Twin of weft's locked_lost_update: every access is under the mutex, but
// the read and the write sit in two critical sections. No data race, so
// -race stays silent; exits 1 when a deposit was lost.
package main

import (
	"fmt"
	"os"
	"sync"
)

func main() {
	balance := 100
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			mu.Lock()
			b := balance
			mu.Unlock()
			mu.Lock()
			balance = b + 10
			mu.Unlock()
			wg.Done()
		}()
	}
	wg.Wait()
	if balance != 120 {
		fmt.Println("lost update: balance =", balance)
		os.Exit(1)
	}
}
