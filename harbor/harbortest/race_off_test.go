//go:build !race

package harbortest

const raceEnabled = false
