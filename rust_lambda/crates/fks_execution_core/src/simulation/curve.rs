//! What the metrics need from the equity curve, gathered as the loop marks it: one pass and no
//! second walk over a million floats in Python.

/// Return and drawdown statistics of a marked equity curve (float64: ratios, not money).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CurveStats {
    /// Bar returns `e[t] / e[t-1] - 1` that are finite (a zero equity makes the next one not).
    pub returns: usize,
    /// Their mean.
    pub mean_return: f64,
    /// Sum of their squared deviations from the mean.
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

/// A running sum with Neumaier's compensation, of the blocks' sums.
#[derive(Debug, Default, Clone, Copy)]
struct Sum {
    total: f64,
    lost: f64,
}

impl Sum {
    fn add(&mut self, value: f64) {
        let total = self.total + value;
        self.lost += if self.total.abs() >= value.abs() {
            (self.total - total) + value
        } else {
            (value - total) + self.total
        };
        self.total = total;
    }

    fn value(self) -> f64 {
        self.total + self.lost
    }
}

/// Follows the curve bar by bar.
///
/// The return moments are kept as sums of the returns shifted by the first one (and of their
/// squares), not as Welford's running mean: Welford divides by the count on every bar, and that
/// division on the bar-to-bar chain was most of a flat bar's cost. Shifting by a return of the
/// series keeps the variance free of cancellation (bar returns have a mean far below their
/// spread anyway).
#[derive(Debug, Default)]
pub(super) struct CurveWatch {
    stats: CurveStats,
    bars: usize,
    previous: f64,
    peak: f64,
    last_peak_bar: usize,
    shift: Option<f64>,
    shifted: Sum,
    shifted_squares: Sum,
    downside: Sum,
}

impl CurveWatch {
    /// Takes the marked equity of the next bars, in order. Within a block the sums are plain
    /// (a block's rounding error is that of a thousand additions); each block's sums then join
    /// the compensated totals, so the error does not grow with the length of the run.
    pub fn mark_all(&mut self, block: &[f64]) {
        let (mut shifted, mut squares, mut downside) = (0.0, 0.0, 0.0);
        for &equity in block {
            let bar = self.bars;
            self.bars += 1;
            if bar == 0 {
                self.peak = equity;
            } else {
                let r = equity / self.previous - 1.0;
                if r.is_finite() {
                    self.stats.returns += 1;
                    let d = r - *self.shift.get_or_insert(r);
                    shifted += d;
                    squares += d * d;
                    downside += if r < 0.0 { r * r } else { 0.0 };
                }
                self.peak = self.peak.max(equity);
            }
            self.drawdown(bar, equity);
            self.previous = equity;
        }
        self.shifted.add(shifted);
        self.shifted_squares.add(squares);
        self.downside.add(downside);
    }

    /// Follows the running peak: the deepest fall below it and the longest stretch away from it.
    #[inline]
    fn drawdown(&mut self, bar: usize, equity: f64) {
        let stats = &mut self.stats;
        // The division only where the fall may be a new deepest one: the test by multiplication
        // has a margin far above its rounding, so it never skips a bar the division would count.
        if self.peak > 0.0 && equity < self.peak * (1.0 - stats.max_drawdown) * (1.0 + 1e-9) {
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
    }

    /// The statistics, the drawdown still open at the last bar included.
    pub fn finish(self) -> CurveStats {
        let mut stats = self.stats;
        stats.final_equity = self.previous;
        if stats.returns > 0 {
            #[allow(clippy::cast_precision_loss)] // a count of bars, far below 2^52
            let count = stats.returns as f64;
            let (sum, squares) = (self.shifted.value(), self.shifted_squares.value());
            stats.mean_return = self.shift.unwrap_or(0.0) + sum / count;
            stats.return_m2 = (squares - sum * sum / count).max(0.0);
            stats.downside_squares = self.downside.value();
        }
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
        // In blocks of two, as the bar loop hands them over in blocks.
        for block in curve.chunks(2) {
            watch.mark_all(block);
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
