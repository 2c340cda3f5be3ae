package web

import (
	"fmt"
	"strings"
	"time"

	"github.com/samen-bot/samen/flows"
)

// chart is a participation chart laid out for the page's inline SVG: a
// line of the contributions so far against time, with the first and last
// times and the highest count as labels.
type chart struct {
	Width, Height int
	// Line and Area are SVG point lists (the area closes the line down to
	// the axis).
	Line, Area   string
	From, To     string
	Max          int
	Left, Bottom int // the plot's left and bottom edges
	Empty        bool
}

const (
	chartWidth  = 640
	chartHeight = 200
	chartLeft   = 40
	chartRight  = 10
	chartTop    = 10
	chartBottom = 170
)

// participationChart lays out points (cumulative, oldest first).
func participationChart(points []flows.ParticipationPoint, loc *time.Location) chart {
	c := chart{Width: chartWidth, Height: chartHeight, Left: chartLeft, Bottom: chartBottom, Empty: len(points) == 0}
	if c.Empty {
		return c
	}
	if loc == nil {
		loc = time.UTC
	}
	first, last := points[0].At, points[len(points)-1].At
	for _, p := range points {
		c.Max = max(c.Max, p.Contributions)
	}
	span := last.Sub(first)
	top := max(c.Max, 1)
	x := func(t time.Time) float64 {
		if span <= 0 {
			return chartLeft
		}
		return chartLeft + float64(chartWidth-chartLeft-chartRight)*float64(t.Sub(first))/float64(span)
	}
	y := func(n int) float64 {
		return chartBottom - float64(chartBottom-chartTop)*float64(n)/float64(top)
	}
	var line strings.Builder
	for i, p := range points {
		if i > 0 {
			line.WriteByte(' ')
		}
		fmt.Fprintf(&line, "%.1f,%.1f", x(p.At), y(p.Contributions))
	}
	if len(points) == 1 {
		fmt.Fprintf(&line, " %d,%.1f", chartWidth-chartRight, y(points[0].Contributions))
	}
	c.Line = line.String()
	end := x(last)
	if len(points) == 1 {
		end = chartWidth - chartRight
	}
	c.Area = fmt.Sprintf("%d,%d %s %.1f,%d", chartLeft, chartBottom, c.Line, end, chartBottom)
	c.From = first.In(loc).Format("2-1 15:04")
	c.To = last.In(loc).Format("2-1 15:04")
	return c
}
