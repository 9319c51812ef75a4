package main

import (
	"context"
	"errors"
)

func load(ctx context.Context, args []string) error {
	return errors.New("load: not yet")
}
