// Package inproc holds the in-process benchmarks of the standard workload
// (bench/pipeline): the map step alone and the whole engine. They live here,
// not beside the engine, because the workload uses the file connector and
// the engine's own tests use no connector.
package inproc
