package web

import (
	"fmt"
	"strings"
	"time"

	"github.com/samen-bot/samen/flows"
)

// chart is a participation chart laid out for the page's inline SVG: a
// line of the contributions so far against time, over a grid with the
// counts on the left axis and the times below.
type chart struct {
	Width, Height int
	// Line and Area are SVG point lists (the area closes the line down to
	// the axis).
	Line, Area string
	From, To   string
	Max        int
	// Left, Right, Top and Bottom are the plot's edges.
	Left, Right, Top, Bottom int
	// YTicks are the counts marked on the left axis (with grid lines),
	// XTicks the times marked below.
	YTicks, XTicks []tick
	// LastX and LastY are where the line ends: the count now.
	LastX, LastY float64
	// LabelX is where the counts' labels end, TickY where the times' marks
	// end and LabelY where their labels stand; TitleX places the left
	// axis's title (turned a quarter).
	LabelX, TickY, LabelY, TitleX int
	Empty                         bool
}

// tick is a mark on an axis: its place (x or y) and its label; Anchor is
// the SVG text-anchor of an x label.
type tick struct {
	At     float64
	Label  string
	Anchor string
}

const (
	chartWidth  = 640
	chartHeight = 210
	chartLeft   = 44
	chartRight  = 14
	chartTop    = 26
	chartBottom = 180
)

// participationChart lays out points (cumulative, oldest first).
func participationChart(points []flows.ParticipationPoint, loc *time.Location) chart {
	c := chart{
		Width: chartWidth, Height: chartHeight, Left: chartLeft, Right: chartWidth - chartRight, Top: chartTop, Bottom: chartBottom,
		LabelX: chartLeft - 6, TickY: chartBottom + 4, LabelY: chartBottom + 18, TitleX: -(chartTop + chartBottom) / 2,
		Empty: len(points) == 0,
	}
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
	step, top := yScale(c.Max)
	span := last.Sub(first)
	x := func(t time.Time) float64 {
		if span <= 0 {
			return chartLeft
		}
		return chartLeft + float64(chartWidth-chartLeft-chartRight)*float64(t.Sub(first))/float64(span)
	}
	y := func(n int) float64 {
		return chartBottom - float64(chartBottom-chartTop)*float64(n)/float64(top)
	}
	for n := 0; n <= top; n += step {
		c.YTicks = append(c.YTicks, tick{At: y(n), Label: fmt.Sprint(n)})
	}
	var line strings.Builder
	for i, p := range points {
		if i > 0 {
			line.WriteByte(' ')
		}
		fmt.Fprintf(&line, "%.1f,%.1f", x(p.At), y(p.Contributions))
	}
	c.LastX, c.LastY = x(last), y(points[len(points)-1].Contributions)
	if len(points) == 1 {
		c.LastX = chartWidth - chartRight
		fmt.Fprintf(&line, " %d,%.1f", chartWidth-chartRight, c.LastY)
	}
	c.Line = line.String()
	c.Area = fmt.Sprintf("%d,%d %s %.1f,%d", chartLeft, chartBottom, c.Line, c.LastX, chartBottom)
	c.From = first.In(loc).Format("2-1 15:04")
	c.To = last.In(loc).Format("2-1 15:04")
	c.XTicks = []tick{{At: chartLeft, Label: c.From, Anchor: "start"}}
	if span > 0 {
		mid := first.Add(span / 2)
		c.XTicks = append(c.XTicks,
			tick{At: x(mid), Label: mid.In(loc).Format("2-1 15:04"), Anchor: "middle"},
			tick{At: chartWidth - chartRight, Label: c.To, Anchor: "end"})
	}
	return c
}

// yScale returns the step between the counts marked on the left axis and
// the top of the axis: a multiple of the step at or above most, with at
// most five steps (1, 2 or 5 times a power of ten).
func yScale(most int) (step, top int) {
	step = 1
	for mult := 1; ; mult *= 10 {
		for _, s := range []int{1, 2, 5} {
			step = s * mult
			if (most+step-1)/step <= 5 {
				top = max((most+step-1)/step*step, step)
				return step, top
			}
		}
	}
}
