// Package console is the operator console: server-rendered pages under
// /console/ that show what every flow and connection is doing, let an
// operator review, edit, retry and resolve dead letters one by one or in
// bulk, and find what happened to a business key. Its templates, styles
// and scripts are embedded; it needs nothing from the internet.
//
// Access follows the engine's policy (loopback trusted unless the project
// says otherwise, the admin token from everywhere else, entered once in a
// login form that starts a session cookie). Every form carries a token
// bound to the session, and requests from other sites are refused, so a
// web page cannot act through an operator's browser. Templates escape
// everything they show, and dead letters are shown as the API shows them:
// masked where the pipeline masks personal data.
package console
