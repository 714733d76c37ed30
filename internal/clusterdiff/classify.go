package clusterdiff

import (
	"errors"
	"regexp"
	"sort"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// outcome is what a refused dry run means for the sync.
type outcome int

const (
	// fatal: the diff cannot go on (unreachable, no permission, a server
	// error); the sync's fate is unknown.
	fatal outcome = iota
	// noNamespace: the object is new and its namespace does not exist yet
	// (the output may create it): it would be created, unchecked.
	noNamespace
	// immutable: the change touches a field Kubernetes does not update in
	// place; the sync would fail until the object is replaced.
	immutable
	// refused: invalid, or denied by admission; the sync would fail.
	refused
)

// rbacDenied is how the authorizer words a missing permission, as
// opposed to an admission plugin's or webhook's Forbidden.
var rbacDenied = regexp.MustCompile(`is forbidden: User "[^"]*" cannot `)

// classify reads a dry run's error. live says whether the object exists.
func classify(err error, live bool) outcome {
	var status apierrors.APIStatus
	if !errors.As(err, &status) {
		return fatal // a timeout, a refused connection
	}
	switch {
	case apierrors.IsNotFound(err) && !live:
		return noNamespace
	case isImmutable(status.Status()):
		return immutable
	case apierrors.IsForbidden(err) && rbacDenied.MatchString(status.Status().Message):
		return fatal
	case apierrors.IsInvalid(err), apierrors.IsForbidden(err), apierrors.IsBadRequest(err):
		return refused
	}
	return fatal
}

// isImmutable recognizes the refusals of a change to a field that is
// fixed once created: "field is immutable" (selectors, a Service's
// clusterIP, a Job's template, an immutable ConfigMap), a StatefulSet's
// "updates to statefulset spec for fields other than ... are forbidden"
// and a claim's "spec is immutable after creation".
func isImmutable(s metav1.Status) bool {
	texts := []string{s.Message}
	if s.Details != nil {
		for _, c := range s.Details.Causes {
			texts = append(texts, c.Message)
		}
	}
	for _, t := range texts {
		if strings.Contains(t, "is immutable") || strings.Contains(t, "updates to statefulset spec for fields other than") {
			return true
		}
	}
	return false
}

// refusal says why the server refused an object, without the object's
// contents: a field error's rejected value is cut out ("Invalid value:
// <value>: detail" keeps its detail only when the value can be told
// apart), and for a Secret only the field and the kind of error remain.
func refusal(err error, secret bool) []string {
	var status apierrors.APIStatus
	if !errors.As(err, &status) {
		return []string{err.Error()}
	}
	s := status.Status()
	var causes []metav1.StatusCause
	if s.Details != nil {
		causes = s.Details.Causes
	}
	if len(causes) == 0 {
		if secret {
			return []string{"refused: " + string(s.Reason)}
		}
		return []string{s.Message}
	}
	var out []string
	for _, c := range causes {
		msg := safeCause(c, secret)
		if c.Field != "" {
			msg = c.Field + ": " + msg
		}
		out = append(out, msg)
	}
	sort.Strings(out)
	return out
}

var (
	// A string value is quoted with Go's escapes; a number or a boolean
	// is bare. Anything else (a struct) cannot be told from the detail.
	quotedValue = regexp.MustCompile(`^([A-Z][a-z ]+): "(?:[^"\\]|\\.)*"(?:: (.*))?$`)
	scalarValue = regexp.MustCompile(`^([A-Z][a-z ]+): (?:-?[0-9][0-9.e+-]*|true|false|null)(?:: (.*))?$`)
)

// valueFree are the field error types whose message holds no value.
var valueFree = map[metav1.CauseType]bool{
	metav1.CauseTypeFieldValueRequired: true,
	metav1.CauseTypeForbidden:          true,
	metav1.CauseTypeTooLong:            true,
	metav1.CauseTypeInternal:           true,
}

// safeCause is a field error's message without the rejected value.
func safeCause(c metav1.StatusCause, secret bool) string {
	msg := c.Message
	typ, _, _ := strings.Cut(msg, ":")
	if secret {
		return typ
	}
	if valueFree[c.Type] {
		return msg
	}
	for _, re := range []*regexp.Regexp{quotedValue, scalarValue} {
		if m := re.FindStringSubmatch(msg); m != nil {
			if m[2] == "" {
				return m[1]
			}
			return m[1] + ": " + m[2]
		}
	}
	if strings.HasSuffix(msg, "field is immutable") {
		return typ + ": field is immutable"
	}
	return typ
}
