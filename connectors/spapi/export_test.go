package spapi

// WriteSecretFile exposes the rotation's secret file writer to the
// black-box tests.
var WriteSecretFile = writeSecretFile
