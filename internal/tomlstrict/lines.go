package tomlstrict

import "sort"

// lineIndex turns byte offsets into line and column numbers. The parser's
// own Shape scans the document from its start for every call, which makes a
// document with many keys quadratic to decode; this index is built once.
type lineIndex struct {
	starts []int // byte offset at which each line starts; starts[0] == 0
}

func newLineIndex(data []byte) lineIndex {
	starts := []int{0}
	for i, c := range data {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return lineIndex{starts: starts}
}

// at returns the position of the byte at offset.
func (l lineIndex) at(offset int) Position {
	line := sort.Search(len(l.starts), func(i int) bool { return l.starts[i] > offset }) - 1
	if line < 0 {
		line = 0
	}
	return Position{Line: line + 1, Column: offset - l.starts[line] + 1}
}
