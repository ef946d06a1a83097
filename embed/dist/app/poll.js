// Live updates by polling (SPEC §7 allows SSE or polling; polling is simpler behind proxies,
// and the API is cheap to ask). usePoll calls fn now and every intervalMs while the
// tab is visible, pauses when it is hidden, and catches up at once when it returns.
import { useEffect, useRef } from './html.js';

export function usePoll(fn, intervalMs, deps = []) {
  const fnRef = useRef(fn);
  fnRef.current = fn;
  useEffect(() => {
    let timer = null;
    let stopped = false;
    async function tick() {
      timer = null;
      if (stopped || document.visibilityState !== 'visible') return;
      try { await fnRef.current(); } finally {
        if (!stopped && document.visibilityState === 'visible') timer = setTimeout(tick, intervalMs);
      }
    }
    function onVisibility() {
      if (document.visibilityState === 'visible' && timer === null) tick();
      else if (document.visibilityState !== 'visible' && timer !== null) { clearTimeout(timer); timer = null; }
    }
    tick();
    document.addEventListener('visibilitychange', onVisibility);
    return () => { stopped = true; if (timer) clearTimeout(timer); document.removeEventListener('visibilitychange', onVisibility); };
  }, deps);
}
