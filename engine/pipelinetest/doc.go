// Package pipelinetest runs a directory's pipeline tests: each case feeds an
// input message through a pipeline's steps in-process, with lookup results
// mocked by step name, and checks what would reach the sink (a body, a
// route, a filter drop or a permanent error). No external system is used.
package pipelinetest
