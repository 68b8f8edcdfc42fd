// Twin of weft's lock_order: two goroutines take mutexes a and b in
// opposite orders. When both hold their first mutex, the Go runtime reports
// "all goroutines are asleep - deadlock!" and exits 2.
package main

import "sync"

func main() {
	var a, b sync.Mutex
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		a.Lock()
		b.Lock()
		b.Unlock()
		a.Unlock()
		wg.Done()
	}()
	go func() {
		b.Lock()
		a.Lock()
		a.Unlock()
		b.Unlock()
		wg.Done()
	}()
	wg.Wait()
}
