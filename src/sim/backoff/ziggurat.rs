//! Standard normal samples by the ziggurat method (Marsaglia and Tsang, 2000, in the
//! 128-layer form Doornik published in 2005 as ZIGNOR).
//!
//! Why not `SimRng::standard_normal`: Box-Muller costs a logarithm, a square root and a
//! cosine per sample, and the contention sweep draws tens of millions of network delays.
//! The ziggurat covers the bell curve with 128 equal-area layers; about 99% of samples
//! need one comparison and a multiplication, and the rest fall back to an exact test, so
//! the samples are exactly normal, not an approximation.

use std::sync::OnceLock;

use crate::sim::engine::SimRng;

const LAYERS: usize = 128;
/// Where the base layer's tail begins.
const R: f64 = 3.442_619_855_899;
/// The area of each layer (the base one includes the tail).
const V: f64 = 9.912_563_035_262_17e-3;

struct Tables {
    /// Right edge of each layer; `x[0]` is the base layer's virtual width `V / f(R)`.
    x: [f64; LAYERS + 1],
    /// `x[i + 1] / x[i]`: below this fraction a point is inside the curve for sure.
    ratio: [f64; LAYERS],
    /// The density at each edge, `f(x[i])`, so the wedge test costs one `exp`, not three.
    f: [f64; LAYERS + 1],
}

fn density(x: f64) -> f64 {
    (-0.5 * x * x).exp()
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut x = [0.0; LAYERS + 1];
        x[0] = V / density(R);
        x[1] = R;
        for i in 2..LAYERS {
            x[i] = (-2.0 * (V / x[i - 1] + density(x[i - 1])).ln()).sqrt();
        }
        x[LAYERS] = 0.0;
        let mut ratio = [0.0; LAYERS];
        for i in 0..LAYERS {
            ratio[i] = x[i + 1] / x[i];
        }
        let f = x.map(density);
        Tables { x, ratio, f }
    })
}

/// A standard normal sampler; keeps the tables at hand so a sample costs no lookup.
#[derive(Clone, Copy)]
pub struct Ziggurat(&'static Tables);

impl std::fmt::Debug for Ziggurat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Ziggurat")
    }
}

impl Default for Ziggurat {
    fn default() -> Self {
        Self(tables())
    }
}

/// `2 / 2^53`: scales 53 bits to [0, 2).
const SCALE_53_TO_2: f64 = 2.0 / (1u64 << 53) as f64;

impl Ziggurat {
    /// One standard normal sample.
    pub fn sample(self, rng: &mut SimRng) -> f64 {
        let t = self.0;
        loop {
            // One draw gives both the layer (the low 7 bits) and the position in it (the
            // top 53), which are independent bits of the same random word.
            let bits = rng.bits();
            let i = (bits & (LAYERS as u64 - 1)) as usize;
            let u = (bits >> 11) as f64 * SCALE_53_TO_2 - 1.0;
            if u.abs() < t.ratio[i] {
                return u * t.x[i];
            }
            if i == 0 {
                return tail(rng, u < 0.0);
            }
            // The wedge between the layer's rectangle and the curve: accept by the density.
            let x = u * t.x[i];
            if t.f[i + 1] + rng.unit() * (t.f[i] - t.f[i + 1]) < density(x) {
                return x;
            }
        }
    }
}

/// A sample beyond `R` (Marsaglia's exact tail method), with the given sign.
fn tail(rng: &mut SimRng, negative: bool) -> f64 {
    loop {
        let x = -(1.0 - rng.unit()).ln() / R;
        let y = -(1.0 - rng.unit()).ln();
        if 2.0 * y >= x * x {
            return if negative { -(R + x) } else { R + x };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_close_at_zero_and_the_top_layer_is_thin() {
        let t = tables();
        assert!(t.x[1..].windows(2).all(|w| w[0] > w[1]));
        assert!(t.x[LAYERS - 1] > 0.0 && t.x[LAYERS - 1] < 0.3);
    }

    #[test]
    fn samples_follow_the_standard_normal() {
        let mut rng = SimRng::new(21);
        let n = 400_000;
        let z = Ziggurat::default();
        let xs: Vec<f64> = (0..n).map(|_| z.sample(&mut rng)).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.01, "{mean}");
        assert!((var - 1.0).abs() < 0.01, "{var}");
        // Fractions below a few points, against the normal CDF.
        for (z, cdf) in [
            (-2.0, 0.02275),
            (-1.0, 0.158_655),
            (0.0, 0.5),
            (0.5, 0.691_462),
        ] {
            let frac = xs.iter().filter(|&&x| x < z).count() as f64 / n as f64;
            assert!(
                (frac - cdf).abs() < 0.003,
                "P(X < {z}) = {frac}, want {cdf}"
            );
        }
        // The tail beyond R is reached, at about the right rate (2 * 2.9e-4).
        let tail = xs.iter().filter(|x| x.abs() > R).count() as f64 / n as f64;
        assert!((tail - 5.76e-4).abs() < 2.0e-4, "{tail}");
    }
}
