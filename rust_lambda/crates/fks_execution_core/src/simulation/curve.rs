//! What the metrics need from the equity curve, gathered as the loop marks it: one pass and no
//! second walk over a million floats in Python.

/// Return and drawdown statistics of a marked equity curve (float64: ratios, not money).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CurveStats {
    /// Bar returns `e[t] / e[t-1] - 1` that are finite (a zero equity makes the next one not).
    pub returns: usize,
    /// Their mean.
    pub mean_return: f64,
    /// Sum of their squared deviations from the mean (Welford's running form).
    pub return_m2: f64,
    /// Sum of the squares of the negative ones (the others count as zero).
    pub downside_squares: f64,
    /// Deepest fall below a running peak, as a fraction of the peak.
    pub max_drawdown: f64,
    /// Longest stretch from a peak to the first bar back at or above it (or to the last bar).
    pub drawdown_bars: usize,
    /// Bar of the peak that stretch starts from.
    pub drawdown_peak_bar: usize,
    /// Marked equity at the last close.
    pub final_equity: f64,
}

/// Follows the curve bar by bar.
#[derive(Debug, Default)]
pub(super) struct CurveWatch {
    stats: CurveStats,
    bars: usize,
    previous: f64,
    peak: f64,
    last_peak_bar: usize,
}

impl CurveWatch {
    /// Takes the marked equity of the next bar.
    pub fn mark(&mut self, equity: f64) {
        let bar = self.bars;
        self.bars += 1;
        let stats = &mut self.stats;
        if bar == 0 {
            self.peak = equity;
        } else {
            let r = equity / self.previous - 1.0;
            if r.is_finite() {
                stats.returns += 1;
                #[allow(clippy::cast_precision_loss)] // a count of bars, far below 2^52
                let count = stats.returns as f64;
                let delta = r - stats.mean_return;
                stats.mean_return += delta / count;
                stats.return_m2 += delta * (r - stats.mean_return);
                if r < 0.0 {
                    stats.downside_squares += r * r;
                }
            }
            self.peak = self.peak.max(equity);
        }
        if self.peak > 0.0 {
            stats.max_drawdown = stats.max_drawdown.max(1.0 - equity / self.peak);
        }
        if equity >= self.peak {
            // A peak: the gap since the last one is a drawdown recovered (one bar is a rise).
            let gap = bar - self.last_peak_bar;
            if gap > 1 && gap > stats.drawdown_bars {
                stats.drawdown_bars = gap;
                stats.drawdown_peak_bar = self.last_peak_bar;
            }
            self.last_peak_bar = bar;
        }
        self.previous = equity;
        stats.final_equity = equity;
    }

    /// The statistics, the drawdown still open at the last bar included.
    pub fn finish(self) -> CurveStats {
        let mut stats = self.stats;
        let tail = self.bars.saturating_sub(1).saturating_sub(self.last_peak_bar);
        if tail > stats.drawdown_bars {
            stats.drawdown_bars = tail;
            stats.drawdown_peak_bar = self.last_peak_bar;
        }
        stats
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(curve: &[f64]) -> CurveStats {
        let mut watch = CurveWatch::default();
        for &e in curve {
            watch.mark(e);
        }
        watch.finish()
    }

    #[test]
    fn drawdown_is_the_deepest_fall_and_the_longest_stretch_to_recovery() {
        // Peak 120 at bar 1, down to 90 (25 %), back at 120 on bar 5; a shallower open dip after.
        let s = stats(&[100.0, 120.0, 90.0, 100.0, 110.0, 120.0, 119.0]);

        assert!((s.max_drawdown - 0.25).abs() < 1e-12);
        assert_eq!((s.drawdown_bars, s.drawdown_peak_bar), (4, 1));
    }

    #[test]
    fn returns_have_their_mean_deviation_and_downside() {
        let s = stats(&[100.0, 110.0, 99.0]); // +10 %, -10 %

        assert_eq!(s.returns, 2);
        assert!(s.mean_return.abs() < 1e-12);
        assert!((s.return_m2 - 0.02).abs() < 1e-12);
        assert!((s.downside_squares - 0.01).abs() < 1e-12);
    }

    #[test]
    fn an_unrecovered_tail_counts_to_the_last_bar() {
        let s = stats(&[100.0, 101.0, 100.5, 100.2]);

        assert_eq!((s.drawdown_bars, s.drawdown_peak_bar), (2, 1));
    }
}
