package sandbox

import "errors"

var errNotYet = errors.New("this sandbox is not built yet")

func newForm(b *base) (Sandbox, error) { return nil, errNotYet }
