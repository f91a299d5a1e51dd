module example.com/tiny-go

go 1.19
