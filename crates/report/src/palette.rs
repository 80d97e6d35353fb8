//! Colour-blind-safe colours: Okabe-Ito for categories, one sequential hue
//! (ColorBrewer's Blues) for heatmaps: light is little, dark is much.

use plotters::prelude::RGBColor;

/// Okabe & Ito (2008), the most distinct first; black left out (axes and
/// text are black).
const OKABE_ITO: [RGBColor; 7] = [
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0xF0, 0xE4, 0x42), // yellow
];

/// The rest of a share chart.
pub const OTHER: RGBColor = RGBColor(0x99, 0x99, 0x99);

/// The colour of series (or slice) `i`; after seven they repeat, which is
/// why a share chart draws at most seven slices and an "Other".
pub fn series(i: usize) -> RGBColor {
    OKABE_ITO[i % OKABE_ITO.len()]
}

/// ColorBrewer Blues, 7 classes, light to dark.
const BLUES: [(u8, u8, u8); 7] = [
    (0xef, 0xf3, 0xff),
    (0xc6, 0xdb, 0xef),
    (0x9e, 0xca, 0xe1),
    (0x6b, 0xae, 0xd6),
    (0x42, 0x92, 0xc6),
    (0x21, 0x71, 0xb5),
    (0x08, 0x45, 0x94),
];

/// A heatmap cell's colour for `t` in 0..=1 (clamped), interpolated along
/// [`BLUES`].
pub fn heat(t: f64) -> RGBColor {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let scaled = t * (BLUES.len() - 1) as f64;
    let i = (scaled.floor() as usize).min(BLUES.len() - 2);
    let f = scaled - i as f64;
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * f).round() as u8;
    let (a, b) = (BLUES[i], BLUES[i + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// `#rrggbb`.
pub fn hex(colour: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", colour.0, colour.1, colour.2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours() {
        assert_eq!(hex(series(0)), "#0072b2");
        assert_eq!(series(7), series(0));
        assert_ne!(hex(heat(0.0)), hex(heat(1.0)));
        assert_eq!(heat(2.0), heat(1.0));
        assert_eq!(hex(heat(0.0)), "#eff3ff");
        assert_eq!(hex(heat(1.0)), "#084594");
        assert_eq!(hex(heat(0.0)), "#eff3ff");
        assert_eq!(hex(heat(1.0)), "#084594");
    }
}
