// A tiny Go module the ecosystem install tests serve from a loopback GOPROXY.
package main

import "fmt"

func main() {
	fmt.Println("tiny-go 1.0.0 from goproxy")
}
