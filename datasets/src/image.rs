//! Images for the spectral-clustering example: the bundled coins photograph, PNG
//! reading and writing, and the preprocessing of scikit-learn's coins segmentation
//! example reproduced bit for bit (scipy's `gaussian_filter` on 8-bit images,
//! scikit-image's bilinear `rescale`, scikit-learn's `img_to_graph`).

use crate::error::{DatasetError, Result};
use ndarray::{Array2, Array3};
use sprs::{CsMat, TriMat};
use std::path::Path;

/// The bundled "Greek coins from Pompeii" photograph (303 x 384, 8-bit gray, as
/// `skimage.data.coins()`), as values 0..=255.
///
/// ```
/// let c = duckml_datasets::coins().unwrap();
/// assert_eq!(c.dim(), (303, 384));
/// ```
pub fn coins() -> Result<Array2<u8>> {
    decode_png_gray(include_bytes!("../data/coins.png"), "coins.png")
}

fn image_err(path: &str, e: impl std::fmt::Display) -> DatasetError {
    DatasetError::Image {
        path: path.to_string(),
        message: e.to_string(),
    }
}

/// Decodes an 8-bit PNG (gray, gray+alpha, RGB or RGBA; colour is converted to its
/// luma `0.2125 R + 0.7154 G + 0.0721 B`, as scikit-image's `rgb2gray`).
pub fn decode_png_gray(bytes: &[u8], name: &str) -> Result<Array2<u8>> {
    let mut decoder = png::Decoder::new(bytes);
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(|e| image_err(name, e))?;
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader
        .next_frame(&mut buf)
        .map_err(|e| image_err(name, e))?;
    let (w, h) = (info.width as usize, info.height as usize);
    let channels = info.color_type.samples();
    if w == 0 || h == 0 {
        return Err(DatasetError::Empty {
            path: name.to_string(),
        });
    }
    let px = |i: usize| &buf[i * channels..(i + 1) * channels];
    let gray: Vec<u8> = (0..w * h)
        .map(|i| {
            let p = px(i);
            if channels >= 3 {
                let l = 0.2125 * p[0] as f64 + 0.7154 * p[1] as f64 + 0.0721 * p[2] as f64;
                l.round().clamp(0.0, 255.0) as u8
            } else {
                p[0]
            }
        })
        .collect();
    Array2::from_shape_vec((h, w), gray).map_err(|e| image_err(name, e))
}

/// Reads a PNG file as 8-bit gray values (see [`decode_png_gray`]).
pub fn read_png_gray(path: impl AsRef<Path>) -> Result<Array2<u8>> {
    let path = path.as_ref();
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| DatasetError::Io {
        path: name.clone(),
        source,
    })?;
    decode_png_gray(&bytes, &name)
}

/// Writes an RGB image (`height x width x 3`) as an 8-bit PNG.
pub fn write_png_rgb(path: impl AsRef<Path>, rgb: &Array3<u8>) -> Result<()> {
    let path = path.as_ref();
    let name = path.display().to_string();
    let (h, w, c) = rgb.dim();
    if c != 3 || h == 0 || w == 0 {
        return Err(DatasetError::InvalidParameter(format!(
            "an RGB image needs shape (height, width, 3) with positive sides, got ({h}, {w}, {c})"
        )));
    }
    let file = std::fs::File::create(path).map_err(|source| DatasetError::Io {
        path: name.clone(),
        source,
    })?;
    let mut enc = png::Encoder::new(std::io::BufWriter::new(file), w as u32, h as u32);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    let mut writer = enc.write_header().map_err(|e| image_err(&name, e))?;
    let data: Vec<u8> = rgb.iter().copied().collect();
    writer
        .write_image_data(&data)
        .map_err(|e| image_err(&name, e))
}

/// NumPy's pairwise sum of a short slice (8 partial sums), so the kernel matches
/// scipy's to the last bit.
fn numpy_sum(v: &[f64]) -> f64 {
    if v.len() < 8 {
        return v.iter().sum();
    }
    let mut r = [0.0; 8];
    r.copy_from_slice(&v[..8]);
    let mut i = 8;
    while i + 8 <= v.len() {
        for j in 0..8 {
            r[j] += v[i + j];
        }
        i += 8;
    }
    let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for x in &v[i..] {
        res += x;
    }
    res
}

/// scipy's Gaussian kernel: radius `int(4 sigma + 0.5)`, normalised to sum 1.
fn gaussian_kernel(sigma: f64) -> Vec<f64> {
    let radius = (4.0 * sigma + 0.5) as i64;
    let s2 = sigma * sigma;
    let phi: Vec<f64> = (-radius..=radius)
        .map(|x| ((-0.5 / s2) * (x * x) as f64).exp())
        .collect();
    let total = numpy_sum(&phi);
    phi.iter().map(|p| p / total).collect()
}

/// Index into a line of `n` with scipy's `reflect` extension (`d c b a | a b c d`).
fn reflect(i: i64, n: i64) -> usize {
    let period = 2 * n;
    let mut i = i.rem_euclid(period);
    if i >= n {
        i = period - 1 - i;
    }
    i as usize
}

/// Correlates every line along `axis` with the symmetric kernel, truncating to 8 bits
/// as scipy does for `uint8` output (center term first, then `(x[-j] + x[j]) w_j` from
/// the outermost `j` inwards).
fn correlate_u8(img: &Array2<u8>, w: &[f64], axis: usize) -> Array2<u8> {
    let r = (w.len() / 2) as i64;
    let (h, wd) = img.dim();
    let n = if axis == 0 { h } else { wd } as i64;
    let mut out = Array2::<u8>::zeros((h, wd));
    for ((i, j), o) in out.indexed_iter_mut() {
        let at = |k: i64| -> f64 {
            let base = if axis == 0 { i as i64 } else { j as i64 };
            let idx = reflect(base + k, n);
            if axis == 0 {
                img[[idx, j]] as f64
            } else {
                img[[i, idx]] as f64
            }
        };
        let mut t = at(0) * w[r as usize];
        for k in (1..=r).rev() {
            t += (at(-k) + at(k)) * w[(r - k) as usize];
        }
        *o = t as u8;
    }
    out
}

/// scipy's `ndimage.gaussian_filter(img, sigma)` on an 8-bit image (mode `reflect`,
/// truncate 4): one pass per axis, each rounded toward zero to 8 bits.
pub fn gaussian_filter_u8(img: &Array2<u8>, sigma: f64) -> Result<Array2<u8>> {
    if !(sigma.is_finite() && sigma > 0.0) {
        return Err(DatasetError::InvalidParameter(format!(
            "sigma must be positive and finite, got {sigma}"
        )));
    }
    let w = gaussian_kernel(sigma);
    Ok(correlate_u8(&correlate_u8(img, &w, 0), &w, 1))
}

/// scikit-image's `rescale(img / 255, scale, order=1, mode="reflect",
/// anti_aliasing=False)`: bilinear interpolation at `(o + 0.5) in / out - 0.5`, mirror
/// boundary, output side `round(scale * side)`. Values in `[0, 1]`.
pub fn rescale_bilinear(img: &Array2<u8>, scale: f64) -> Result<Array2<f64>> {
    if !(scale.is_finite() && scale > 0.0) {
        return Err(DatasetError::InvalidParameter(format!(
            "scale must be positive and finite, got {scale}"
        )));
    }
    let (h, w) = img.dim();
    let (oh, ow) = (
        ((h as f64 * scale).round() as usize).max(1),
        ((w as f64 * scale).round() as usize).max(1),
    );
    let mirror = |i: i64, n: usize| -> usize {
        if n == 1 {
            return 0;
        }
        let period = 2 * (n as i64 - 1);
        let mut i = i.abs() % period;
        if i >= n as i64 {
            i = period - i;
        }
        i as usize
    };
    let coord =
        |o: usize, n_in: usize, n_out: usize| (o as f64 + 0.5) * (n_in as f64 / n_out as f64) - 0.5;
    let src = img.mapv(|v| v as f64 / 255.0);
    Ok(Array2::from_shape_fn((oh, ow), |(yi, xi)| {
        let y = coord(yi, h, oh);
        let x = coord(xi, w, ow);
        let (y0, x0) = (y.floor(), x.floor());
        let (fy, fx) = (y - y0, x - x0);
        let mut v = 0.0;
        for (dy, wy) in [(0i64, 1.0 - fy), (1, fy)] {
            for (dx, wx) in [(0i64, 1.0 - fx), (1, fx)] {
                v += wy * wx * src[[mirror(y0 as i64 + dy, h), mirror(x0 as i64 + dx, w)]];
            }
        }
        v
    }))
}

/// scikit-learn's `img_to_graph(img)`: the 4-neighbour grid graph of an image (node
/// `i * width + j` for pixel `(i, j)`), each edge weighted by the absolute intensity
/// difference in both directions, and the pixel values on the diagonal. CSR.
///
/// ```
/// use ndarray::array;
/// let g = duckml_datasets::img_to_graph(&array![[0.0, 1.0], [3.0, 0.5]]);
/// assert_eq!(g.rows(), 4);
/// assert_eq!(g.nnz(), 4 + 2 * 4); // diagonal + 4 edges both ways
/// assert_eq!(g.get(0, 2), Some(&3.0));
/// assert_eq!(g.get(1, 1), Some(&1.0));
/// ```
pub fn img_to_graph(img: &Array2<f64>) -> CsMat<f64> {
    let (h, w) = img.dim();
    let n = h * w;
    let mut tri = TriMat::with_capacity((n, n), n + 4 * n);
    for ((i, j), &v) in img.indexed_iter() {
        let a = i * w + j;
        tri.add_triplet(a, a, v);
        if j + 1 < w {
            let d = (v - img[[i, j + 1]]).abs();
            tri.add_triplet(a, a + 1, d);
            tri.add_triplet(a + 1, a, d);
        }
        if i + 1 < h {
            let d = (v - img[[i + 1, j]]).abs();
            tri.add_triplet(a, a + w, d);
            tri.add_triplet(a + w, a, d);
        }
    }
    tri.to_csr()
}

/// The coins example's edge weights: every stored value `v` of `graph` becomes
/// `exp(-beta v / std) + eps`, with `std` the population standard deviation of the
/// stored values (scikit-learn's example: `beta = 10`, `eps = 1e-6`).
pub fn exp_affinity(graph: &mut CsMat<f64>, beta: f64, eps: f64) {
    let data = graph.data();
    let n = data.len().max(1) as f64;
    let mean = data.iter().sum::<f64>() / n;
    let std = (data.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n).sqrt();
    graph.map_inplace(|&v| (-beta * v / std).exp() + eps);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_sums_to_one_and_has_scipys_radius() {
        let k = gaussian_kernel(2.0);
        assert_eq!(k.len(), 17);
        assert!((k.iter().sum::<f64>() - 1.0).abs() < 1e-15);
        assert_eq!(reflect(-1, 5), 0);
        assert_eq!(reflect(5, 5), 4);
        assert_eq!(reflect(-3, 5), 2);
    }

    #[test]
    fn rescale_by_one_is_the_identity_over_255() {
        let img = Array2::from_shape_fn((4, 5), |(i, j)| (i * 40 + j * 7) as u8);
        let r = rescale_bilinear(&img, 1.0).unwrap();
        assert_eq!(r, img.mapv(|v| v as f64 / 255.0));
        assert!(rescale_bilinear(&img, 0.0).is_err());
        assert!(gaussian_filter_u8(&img, f64::NAN).is_err());
    }

    #[test]
    fn bundled_coins_decode() {
        let c = coins().unwrap();
        assert_eq!(c.dim(), (303, 384));
        assert!(decode_png_gray(b"not a png", "x").is_err());
    }
}
