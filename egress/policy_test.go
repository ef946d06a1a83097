package egress

import (
	"errors"
	"net/netip"
	"slices"
	"strings"
	"testing"
)

// guard builds a Guard from configuration-style values, failing the test on bad input.
func guard(t testing.TB, mode string, allow, deny []string, opts ...Option) *Guard {
	t.Helper()
	p, err := ParsePolicy(mode, allow, deny)
	if err != nil {
		t.Fatal(err)
	}
	return New(p, opts...)
}

// refused reports whether err is a refusal, detected the way callers outside the package
// do it: through the interface, without naming *RefusedError.
func refused(err error) bool {
	var r interface{ Refused() bool }
	return errors.As(err, &r) && r.Refused()
}

func TestCheckModes(t *testing.T) {
	public := guard(t, ModePublic, nil, nil)
	private := guard(t, ModePrivate, nil, nil)
	tests := []struct {
		ip                  string
		publicOK, privateOK bool
	}{
		{"93.184.216.34", true, true},
		{"8.8.8.8", true, true},
		{"2606:4700::1111", true, true},
		{"172.32.0.1", true, true},       // just past 172.16.0.0/12
		{"100.63.255.255", true, true},   // just before 100.64.0.0/10
		{"100.128.0.0", true, true},      // just past it
		{"::ffff:8.8.8.8", true, true},   // mapped public
		{"64:ff9b::808:808", true, true}, // NAT64 of 8.8.8.8
		{"2002:808:808::1", true, true},  // 6to4 of 8.8.8.8
		{"127.0.0.1", false, true},
		{"127.255.255.254", false, true},
		{"10.1.2.3", false, true},
		{"172.16.0.1", false, true},
		{"172.31.255.255", false, true},
		{"192.168.1.1", false, true},
		{"169.254.1.1", false, true},
		{"100.64.0.1", false, true},
		{"192.0.0.8", false, true},
		{"192.0.2.1", false, true},
		{"198.18.0.1", false, true},
		{"198.19.255.255", false, true},
		{"198.51.100.1", false, true},
		{"203.0.113.1", false, true},
		{"240.0.0.1", false, true},
		{"::1", false, true},
		{"fe80::1", false, true},
		{"fe80::1%eth0", false, true},
		{"fc00::1", false, true},
		{"fd12:3456::1", false, true},
		{"2001:db8::1", false, true},
		{"3fff::1", false, true},
		{"100::1", false, true},
		{"4000::1", false, true}, // outside 2000::/3
		{"64:ff9b:1::1", false, true},
		{"::ffff:127.0.0.1", false, true},
		{"64:ff9b::7f00:1", false, true},                      // NAT64 of 127.0.0.1
		{"2002:7f00:1::", false, true},                        // 6to4 of 127.0.0.1
		{"2001:0:4136:e378:8000:63bf:80ff:fffe", false, true}, // Teredo, client 127.0.0.1
		{"::127.0.0.1", false, true},                          // IPv4-compatible
		{"::8.8.8.8", false, true},                            // deprecated form, never public
		{"0.0.0.0", false, false},
		{"0.1.2.3", false, false},
		{"::", false, false},
		{"224.0.0.1", false, false},
		{"239.255.255.250", false, false},
		{"ff02::1", false, false},
		{"255.255.255.255", false, false},
		{"169.254.169.254", false, false},
		{"169.254.170.2", false, false},
		{"100.100.100.200", false, false},
		{"fd00:ec2::254", false, false},
		{"fd20:ce::254", false, false},
		{"::ffff:169.254.169.254", false, false},
		{"64:ff9b::a9fe:a9fe", false, false}, // NAT64 of metadata
	}
	for _, tt := range tests {
		ip := netip.MustParseAddr(tt.ip)
		if err := public.Check(ip); (err == nil) != tt.publicOK || (err != nil && !refused(err)) {
			t.Errorf("public Check(%s) = %v, want allowed=%v", tt.ip, err, tt.publicOK)
		}
		if err := private.Check(ip); (err == nil) != tt.privateOK || (err != nil && !refused(err)) {
			t.Errorf("private Check(%s) = %v, want allowed=%v", tt.ip, err, tt.privateOK)
		}
	}
	if err := New(Policy{}).Check(netip.MustParseAddr("10.0.0.1")); err == nil {
		t.Error("the zero Policy allowed a private address; it must fail closed (public)")
	}
	if err := public.Check(netip.Addr{}); !refused(err) {
		t.Errorf("Check(invalid) = %v, want a refusal", err)
	}
}

func TestCheckAllowDeny(t *testing.T) {
	tests := []struct {
		name        string
		mode        string
		allow, deny []string
		ip          string
		ok          bool
	}{
		{"allow un-refuses private under public", ModePublic, []string{"10.0.0.0/8"}, nil, "10.1.1.1", true},
		{"allow is only what it lists", ModePublic, []string{"10.0.0.0/8"}, nil, "192.168.1.1", false},
		{"allow un-refuses metadata", ModePrivate, []string{"169.254.169.254"}, nil, "169.254.169.254", true},
		{"allow a mapped prefix", ModePublic, []string{"::ffff:10.0.0.0/104"}, nil, "10.1.2.3", true},
		{"deny refuses private under private", ModePrivate, nil, []string{"192.168.1.0/24"}, "192.168.1.5", false},
		{"deny is only what it lists", ModePrivate, nil, []string{"192.168.1.0/24"}, "192.168.2.5", true},
		{"deny refuses public", ModePublic, nil, []string{"93.184.216.0/24"}, "93.184.216.34", false},
		{"deny wins over allow", ModePublic, []string{"10.0.0.0/8"}, []string{"10.0.0.1"}, "10.0.0.1", false},
		{"deny leaves the rest of allow", ModePublic, []string{"10.0.0.0/8"}, []string{"10.0.0.1"}, "10.0.0.2", true},
		{"deny covers the mapped form", ModePrivate, nil, []string{"10.0.0.0/8"}, "::ffff:10.0.0.1", false},
		{"deny covers the NAT64 form", ModePrivate, nil, []string{"10.0.0.0/8"}, "64:ff9b::a00:1", false},
		{"deny covers a zoned address", ModePrivate, nil, []string{"fe80::/10"}, "fe80::1%eth0", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := guard(t, tt.mode, tt.allow, tt.deny).Check(netip.MustParseAddr(tt.ip))
			if (err == nil) != tt.ok || (err != nil && !refused(err)) {
				t.Errorf("Check(%s) = %v, want allowed=%v", tt.ip, err, tt.ok)
			}
		})
	}
}

func TestParsePolicy(t *testing.T) {
	p, err := ParsePolicy(" Public ", []string{"10.0.0.1/8", " 192.168.1.1 ", ""}, []string{"::1"})
	if err != nil {
		t.Fatal(err)
	}
	want := Policy{
		Mode:  ModePublic,
		Allow: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.168.1.1/32")},
		Deny:  []netip.Prefix{netip.MustParsePrefix("::1/128")},
	}
	if p.Mode != want.Mode || !slices.Equal(p.Allow, want.Allow) || !slices.Equal(p.Deny, want.Deny) {
		t.Errorf("ParsePolicy = %+v, want %+v", p, want)
	}

	_, err = ParsePolicy("open", []string{"nope", "fe80::1%eth0"}, []string{"1.2.3.4/33"})
	if err == nil {
		t.Fatal("ParsePolicy accepted a bad mode and bad CIDRs")
	}
	for _, part := range []string{`EGRESS_POLICY must be private or public (got "open")`,
		`EGRESS_ALLOW_CIDRS: "nope"`, `EGRESS_ALLOW_CIDRS: "fe80::1%eth0"`, `EGRESS_DENY_CIDRS: "1.2.3.4/33"`} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("error %q does not mention %q", err, part)
		}
	}
}

func TestNewCopiesPolicy(t *testing.T) {
	p := Policy{Mode: ModePublic, Allow: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}
	g := New(p)
	p.Allow[0] = netip.MustParsePrefix("0.0.0.0/0")
	if err := g.Check(netip.MustParseAddr("192.168.1.1")); err == nil {
		t.Error("changing the caller's Allow slice after New changed the Guard")
	}
}
