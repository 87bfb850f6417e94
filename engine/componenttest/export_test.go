package componenttest

// RecvWithin is Recv with a limit other than WaitLimit, for testing the
// failure.
var RecvWithin = recvWithin[struct{}]
