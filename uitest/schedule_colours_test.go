package uitest

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestScheduleShiftColoursReadOnEveryHue: a person's shifts are coloured by a hue taken
// from their ID, so every hue must carry the white name at WCAG AA (4.5:1); the axe audit
// sees only the IDs one run happens to make.
func TestScheduleShiftColoursReadOnEveryHue(t *testing.T) {
	srv := startServer(t, serverOptions{})
	b := newBrowser(t, srv, 60*time.Second)
	b.open("/login")
	b.waitFor("the app", `document.querySelector('script[type=module]') !== null && document.querySelector('h1') !== null`, 10*time.Second)
	worst, err := chromedp.Run(b.ctx, chromedp.Evaluate[map[string]float64](`(async () => {
		const base = document.querySelector('script[type=module]').src;
		const { hueColour } = await import(new URL('pages/schedule-timeline.js', base).href);
		const el = document.createElement('span');
		el.textContent = 'Ada';
		el.style.color = '#fff';
		document.body.append(el);
		const contrast = `+contrastOf+`;
		let worst = { hue: -1, ratio: 99 };
		for (let h = 0; h < 360; h++) {
			el.style.background = hueColour(h);
			const r = contrast(el);
			if (r < worst.ratio) worst = { hue: h, ratio: r };
		}
		el.remove();
		return worst;
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("measure the shift colours: %v", err)
	}
	if worst["ratio"] < 4.5 {
		t.Fatalf("hue %v: white on the shift colour reads at %.2f:1, want at least 4.5:1", worst["hue"], worst["ratio"])
	}
	t.Logf("lowest contrast %.2f:1 at hue %v", worst["ratio"], worst["hue"])
}
