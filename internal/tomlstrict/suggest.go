package tomlstrict

import "strings"

// suggest returns the known key closest to the unknown one, for a "did you
// mean" hint, or "" when none is close: within two edits (a transposition
// counts as one), and closer than the unknown key is long, so that "x" does
// not suggest "id".
func suggest(unknown string, known []string) string {
	best, bestDist := "", 3
	u := []rune(strings.ToLower(unknown))
	for _, k := range known {
		kr := []rune(strings.ToLower(k))
		if abs(len(kr)-len(u)) >= bestDist {
			continue // cannot be close enough; also bounds the work on long keys
		}
		if dist := editDistance(u, kr); dist < bestDist && dist < len(u) {
			best, bestDist = k, dist
		}
	}
	return best
}

// editDistance is the optimal string alignment distance: insertions,
// deletions, substitutions and transpositions of neighbours each cost one.
func editDistance(a, b []rune) int {
	// Three rows of the dynamic programming table are enough.
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
