// Package assessment is Tremplin's skill model: answer checking, the adaptive
// diagnostic (2PL item response theory, one ability per domain, EAP
// estimation), and mastery tracing in modules (Bayesian knowledge tracing).
//
// It is pure Go and must never import Fyne, database/sql or the content
// package: callers give it plain item descriptions (Item, AnswerKey) and
// responses, and get outcomes, next items and results back. Domain and skill
// names come from the caller's item bank; none is hard-coded here.
package assessment
