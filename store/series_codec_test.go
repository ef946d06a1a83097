package store

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestRawCodecRoundTrip(t *testing.T) {
	long := strings.Repeat("é", 150) // 300 bytes; the cut must not split a rune
	for _, in := range []CheckResult{
		{Status: StatusGreen, ResponseTimeMS: 150, StatusCode: 200},
		{Status: StatusYellow, ResponseTimeMS: 1 << 40, StatusCode: 299},
		{Status: StatusRed, StatusCode: 0, Error: "connection refused", Internal: true},
		{Status: StatusMaintenance, ResponseTimeMS: -5, StatusCode: -1, Error: long},
	} {
		v := appendRaw(nil, &in)
		var out CheckResult
		if err := decodeRaw(v, &out); err != nil {
			t.Fatalf("%+v: %v", in, err)
		}
		want := in
		want.ResponseTimeMS, want.StatusCode = max(in.ResponseTimeMS, 0), max(in.StatusCode, 0)
		want.Error = clampError(in.Error)
		if out != want {
			t.Errorf("round trip: %+v, want %+v", out, want)
		}
		if len(out.Error) > MaxErrorBytes || !utf8.ValidString(out.Error) {
			t.Errorf("error text %d bytes, valid UTF-8 %v", len(out.Error), utf8.ValidString(out.Error))
		}
	}
	green := appendRaw(nil, &CheckResult{Status: StatusGreen, ResponseTimeMS: 150, StatusCode: 200})
	if len(green) != 7 {
		t.Errorf("a GREEN result encodes to %d bytes, want 7", len(green))
	}
}

func TestCodecsRejectDamage(t *testing.T) {
	raw := appendRaw(nil, &CheckResult{Status: StatusRed, Error: "timeout after 10s"})
	roll := appendRollup(nil, &rollup{total: 2, up: 1, sumMS: 10, minMS: 10, maxMS: 10, hist: [histBuckets]uint64{2: 1}})
	for name, v := range map[string][]byte{
		"raw empty": {}, "raw version": append([]byte{9}, raw[1:]...), "raw status": {1, 0x7f, 0, 0, 0},
		"raw cut": raw[:len(raw)-3], "rollup empty": {}, "rollup version": append([]byte{9}, roll[1:]...),
		"rollup cut": roll[:len(roll)-1], "rollup trailing": append(roll, 0),
	} {
		var r CheckResult
		var ru rollup
		err := decodeRaw(v, &r)
		if strings.HasPrefix(name, "rollup") {
			err = decodeRollup(v, &ru)
		}
		if !errors.Is(err, errCorruptValue) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestRollupCodecRoundTrip(t *testing.T) {
	var r rollup
	for i, ms := range []uint64{0, 4, 5, 120, 120, 999, 1000, 45000} {
		status := []string{StatusGreen, StatusYellow}[i%2]
		r.add(status, ms)
	}
	r.add(StatusRed, 10000)
	r.add(StatusMaintenance, 3)
	r.downMS, r.maintenanceMS = 123456, 789
	var out rollup
	if err := decodeRollup(appendRollup(nil, &r), &out); err != nil || out != r {
		t.Fatalf("round trip: %+v, %v\nwant %+v", out, err, r)
	}
	if r.total != 10 || r.up != 8 || r.degraded != 4 || r.down != 1 || r.maintenance != 1 || r.minMS != 0 || r.maxMS != 45000 {
		t.Errorf("counts: %+v", r)
	}
	down := rollup{total: 1, down: 1, downMS: 60000}
	if v := appendRollup(nil, &down); len(v) != 10 {
		t.Errorf("a down-only rollup encodes to %d bytes, want 10", len(v))
	}
}

func TestRollupMergeAndPercentile(t *testing.T) {
	var a, b, all rollup
	for i := range 100 {
		ms := uint64(10 + i*10) // 10 … 1000 ms
		all.add(StatusGreen, ms)
		if i%2 == 0 {
			a.add(StatusGreen, ms)
		} else {
			b.add(StatusGreen, ms)
		}
	}
	a.merge(&b)
	if a != all {
		t.Fatalf("merge: %+v\nwant  %+v", a, all)
	}
	// True p95 is 950 ms; the estimate interpolates inside [750, 1000).
	if p := all.p95MS(); p < 900 || p > 1000 {
		t.Errorf("p95 = %d, want about 950", p)
	}
	one := rollup{}
	one.add(StatusGreen, 321)
	if one.p95MS() != 321 || one.avgMS() != 321 {
		t.Errorf("single value: p95 %d avg %v", one.p95MS(), one.avgMS())
	}
	var empty rollup
	empty.merge(&rollup{total: 1, down: 1})
	if empty.p95MS() != 0 || empty.minMS != 0 || empty.avgMS() != 0 {
		t.Errorf("no up checks: %+v", empty)
	}
	if histBucket(4) != 0 || histBucket(5) != 1 || histBucket(29999) != 22 || histBucket(30000) != 23 || histBucket(1<<60) != 23 {
		t.Error("histogram bucket edges")
	}
}

func TestSpreadAddsUpAtEveryLevel(t *testing.T) {
	start := time.Date(2026, 3, 10, 23, 58, 17, 123456789, time.UTC).UnixNano()
	end := start + int64(3*time.Hour+7*time.Millisecond)
	for l := range levelCount {
		var total uint64
		parts := 0
		spread(start, end, l.step(), func(b int64, ms uint64) {
			if b%int64(l.step()) != 0 {
				t.Errorf("%s bucket %d not aligned", l.name(), b)
			}
			total += ms
			parts++
		})
		if total != uint64(3*time.Hour/time.Millisecond)+7 {
			t.Errorf("%s: parts add up to %d ms in %d buckets", l.name(), total, parts)
		}
	}
}

func FuzzDecodeSeriesValues(f *testing.F) {
	f.Add(appendRaw(nil, &CheckResult{Status: StatusGreen, ResponseTimeMS: 12, Error: "x"}))
	f.Add(appendRollup(nil, &rollup{total: 3, up: 2, sumMS: 5, minMS: 1, maxMS: 4, hist: [histBuckets]uint64{0: 2}}))
	f.Fuzz(func(t *testing.T, v []byte) {
		var r CheckResult
		if decodeRaw(v, &r) == nil && len(appendRaw(nil, &r)) == 0 {
			t.Fatal("decoded raw value does not re-encode")
		}
		var ru rollup
		if decodeRollup(v, &ru) == nil {
			_ = ru.p95MS()
		}
	})
}
