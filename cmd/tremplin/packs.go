package main

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/tremplin-numerique/tremplin/content"
	"github.com/tremplin-numerique/tremplin/sync/client"
	"github.com/tremplin-numerique/tremplin/sync/journal"
	"github.com/tremplin-numerique/tremplin/sync/packsign"
)

// packKeysKey holds, in the journal's device state, the public keys whose
// signed content packs this device accepts, one a line.
const packKeysKey = "pack.keys"

// addPackKey trusts one more pack-signing public key.
func addPackKey(ctx context.Context, j *journal.Journal, key string) error {
	if _, err := packsign.ParsePublicKey(key); err != nil {
		return fmt.Errorf("pack key: %w", err)
	}
	have, err := j.State(ctx, packKeysKey)
	if err != nil {
		return err
	}
	if strings.Contains(have, key) {
		return nil
	}
	return j.SetState(ctx, packKeysKey, strings.TrimSpace(have+"\n"+key))
}

func packKeys(ctx context.Context, j *journal.Journal) []ed25519.PublicKey {
	have, err := j.State(ctx, packKeysKey)
	if err != nil {
		return nil
	}
	var keys []ed25519.PublicKey
	for _, line := range strings.Fields(have) {
		if k, err := packsign.ParsePublicKey(line); err == nil {
			keys = append(keys, k)
		}
	}
	return keys
}

// checkPack refuses a downloaded pack the content loader refuses.
func checkPack(dir string) error {
	_, err := content.Load(os.DirFS(dir))
	return err
}

// fetchPack downloads, verifies and installs the site's newer content pack;
// it is used from the next start. Without a trusted key nothing is fetched.
func fetchPack(ctx context.Context, j *journal.Journal, packsDir string) {
	keys := packKeys(ctx, j)
	if len(keys) == 0 {
		slog.Info("a newer content pack is offered, but no pack key is trusted (tremplin enroll --pack-key)")
		return
	}
	dir, err := client.New(j, client.Options{CheckPack: checkPack}).FetchPack(ctx, keys, packsDir)
	if err != nil {
		slog.Warn("content pack refused, the previous one stays", "err", err)
		return
	}
	slog.Info("content pack installed, used from the next start", "dir", dir)
}

// loadInstalledPack loads the pack installed by sync, or the embedded one
// when there is none or it no longer loads.
func loadInstalledPack(packsDir string) (*content.Pack, error) {
	if dir := packsign.Current(packsDir); dir != "" {
		p, err := content.Load(os.DirFS(dir))
		if err == nil {
			return p, nil
		}
		slog.Error("installed content pack refused, using the embedded one", "dir", dir, "err", err)
	}
	return loadPack("")
}
