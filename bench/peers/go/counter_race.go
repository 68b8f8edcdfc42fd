// Twin of weft's counter_race: two goroutines increment a shared counter
// without a lock. Exits 1 when an update was lost.
package main

import (
	"fmt"
	"os"
	"sync"
)

func main() {
	const n = 2
	counter := 0
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			counter++
			wg.Done()
		}()
	}
	wg.Wait()
	if counter != n {
		fmt.Println("lost update: counter =", counter)
		os.Exit(1)
	}
}
