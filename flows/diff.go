package flows

import "strings"

type diffPart struct {
	op   byte // '=', '-' or '+'
	text string
}

// maxDiffWords bounds the word diff's quadratic table; longer texts are
// shown as replaced whole.
const maxDiffWords = 2000

// wordDiff compares two texts word by word (longest common subsequence) and
// returns runs of kept, removed and added words.
func wordDiff(old, new string) []diffPart {
	a, b := strings.Fields(old), strings.Fields(new)
	if len(a) > maxDiffWords || len(b) > maxDiffWords {
		return []diffPart{{'-', old}, {'+', new}}
	}
	// lcs[i][j] is the length of the common subsequence of a[i:] and b[j:].
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var parts []diffPart
	add := func(op byte, word string) {
		if n := len(parts); n > 0 && parts[n-1].op == op {
			parts[n-1].text += " " + word
			return
		}
		parts = append(parts, diffPart{op, word})
	}
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			add('=', a[i])
			i, j = i+1, j+1
		case lcs[i+1][j] >= lcs[i][j+1]:
			add('-', a[i])
			i++
		default:
			add('+', b[j])
			j++
		}
	}
	for ; i < len(a); i++ {
		add('-', a[i])
	}
	for ; j < len(b); j++ {
		add('+', b[j])
	}
	return parts
}
