//! A local mirror of Kraken's REST call counter: it gains the call's cost and decays by a fixed
//! amount per second; past the maximum Kraken answers `EAPI:Rate limit exceeded`. The client
//! refuses locally first, so a burst backs off without being counted against the key.

/// The counter in hundredths, so the decay stays exact without floats.
#[derive(Debug, Clone)]
pub struct CallCounter {
    max_centi: u64,
    decay_centi_per_s: u64,
    level_centi: u64,
    at_ms: u64,
}

impl CallCounter {
    /// A counter allowing `max` with `decay_centi_per_s` hundredths decaying each second.
    #[must_use]
    pub fn new(max: u32, decay_centi_per_s: u32) -> Self {
        Self {
            max_centi: u64::from(max) * 100,
            decay_centi_per_s: u64::from(decay_centi_per_s),
            level_centi: 0,
            at_ms: 0,
        }
    }

    fn decayed(&self, now_ms: u64) -> u64 {
        let elapsed = now_ms.saturating_sub(self.at_ms);
        self.level_centi.saturating_sub(self.decay_centi_per_s * elapsed / 1000)
    }

    /// Counts a call of `cost` at `now_ms`, or the milliseconds to wait before it fits.
    ///
    /// # Errors
    /// The wait in milliseconds when the call would take the counter past its maximum.
    pub fn charge(&mut self, cost: u32, now_ms: u64) -> Result<(), u64> {
        let level = self.decayed(now_ms);
        let cost = u64::from(cost) * 100;
        if level + cost > self.max_centi {
            let excess = level + cost - self.max_centi;
            return Err((excess * 1000).div_ceil(self.decay_centi_per_s.max(1)));
        }
        self.level_centi = level + cost;
        self.at_ms = now_ms;
        Ok(())
    }

    /// The counter's level at `now_ms`, in calls.
    #[must_use]
    pub fn level(&self, now_ms: u64) -> u64 {
        self.decayed(now_ms) / 100
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charge_refuses_past_the_maximum_until_it_decays() {
        let mut counter = CallCounter::new(3, 50);
        for _ in 0..3 {
            counter.charge(1, 10_000).unwrap();
        }
        // One more call needs one call's worth decayed: 100 hundredths at 50 a second.
        assert_eq!(counter.charge(1, 10_000), Err(2_000));
        assert_eq!(counter.charge(1, 12_000), Ok(()));
        assert_eq!(counter.level(12_000), 3);
    }
}
