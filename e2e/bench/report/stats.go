package main

import (
	"math"
	"math/rand/v2"
	"sort"
)

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func stddev(xs []float64) float64 {
	if len(xs) < 2 {
		return 0
	}
	m := mean(xs)
	s := 0.0
	for _, x := range xs {
		s += (x - m) * (x - m)
	}
	return math.Sqrt(s / float64(len(xs)-1))
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func maxOf(xs []float64) float64 {
	m := math.Inf(-1)
	for _, x := range xs {
		m = math.Max(m, x)
	}
	return m
}

// ratioCI is the ratio of the means of b over a, with a 95% percentile
// bootstrap interval (each sample resampled on its own, fixed seed).
func ratioCI(a, b []float64) (ratio, lo, hi float64) {
	ratio = mean(b) / mean(a)
	if len(a) < 2 || len(b) < 2 {
		return ratio, ratio, ratio
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const rounds = 2000
	rs := make([]float64, rounds)
	resample := func(xs []float64) float64 {
		s := 0.0
		for range xs {
			s += xs[rng.IntN(len(xs))]
		}
		return s / float64(len(xs))
	}
	for i := range rs {
		rs[i] = resample(b) / resample(a)
	}
	sort.Float64s(rs)
	return ratio, rs[rounds*25/1000], rs[rounds*975/1000-1]
}

// linearFit fits y = a + b*x by least squares and returns R².
func linearFit(xs, ys []float64) (a, b, r2 float64) {
	n := float64(len(xs))
	mx, my := mean(xs), mean(ys)
	var sxy, sxx, syy float64
	for i := range xs {
		sxy += (xs[i] - mx) * (ys[i] - my)
		sxx += (xs[i] - mx) * (xs[i] - mx)
		syy += (ys[i] - my) * (ys[i] - my)
	}
	if n < 2 || sxx == 0 {
		return my, 0, 0
	}
	b = sxy / sxx
	a = my - b*mx
	if syy == 0 {
		return a, b, 1
	}
	return a, b, sxy * sxy / (sxx * syy)
}
