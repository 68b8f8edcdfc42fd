// Twin of weft's leak_two_senders: two goroutines send a result, main
// receives only the first and returns. The other sender is blocked forever;
// a Go program exits normally and says nothing about it.
package main

func main() {
	results := make(chan int)
	go func() { results <- 1 }()
	go func() { results <- 2 }()
	first := <-results
	_ = first
}
