//! MNIST in IDX format, and the conversion between raw pixels and the [-1, 1] range the
//! networks work in.

use std::fmt;

use burn::prelude::*;

/// Side of an MNIST image, in pixels.
pub const IMAGE_SIDE: usize = 28;
/// Pixels per image: what every network reads or writes per digit.
pub const IMAGE_PIXELS: usize = IMAGE_SIDE * IMAGE_SIDE;
/// Classes a label names: the digits 0–9 (Fashion-MNIST also has ten).
pub const CLASSES: usize = 10;

/// The shipped digits and their labels, relative to the repository root (the page fetches
/// the same files relative to `www/`).
pub const SHIPPED_IMAGES: &str = "www/data/mnist-10k-images-idx3-ubyte.gz";
pub const SHIPPED_LABELS: &str = "www/data/mnist-10k-labels-idx1-ubyte.gz";
/// The shipped Fashion-MNIST test set, shuffled (`scripts/fashion-idx.mjs`).
pub const FASHION_IMAGES: &str = "www/data/fashion-10k-images-idx3-ubyte.gz";
pub const FASHION_LABELS: &str = "www/data/fashion-10k-labels-idx1-ubyte.gz";

/// A built-in dataset: 10,000 labelled 28×28 images in ten classes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dataset {
    /// MNIST's handwritten digits.
    Digits,
    /// Zalando's Fashion-MNIST: clothes, shoes and bags.
    Fashion,
}

impl Dataset {
    /// The names `pretrain --dataset`, `train_classifier --dataset` and the page use.
    pub const NAMES: [(&'static str, Self); 2] = [("mnist", Self::Digits), ("fashion", Self::Fashion)];

    /// The images and the labels, relative to the repository root.
    pub fn files(self) -> (&'static str, &'static str) {
        match self {
            Self::Digits => (SHIPPED_IMAGES, SHIPPED_LABELS),
            Self::Fashion => (FASHION_IMAGES, FASHION_LABELS),
        }
    }
}

const IMAGES_MAGIC: u32 = 0x0000_0803;
const LABELS_MAGIC: u32 = 0x0000_0801;

#[derive(Debug, Clone, PartialEq)]
pub enum DataError {
    BadMagic { found: u32, expected: u32 },
    Truncated { needed: usize, found: usize },
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadMagic { found, expected } => write!(
                f,
                "not an IDX file of the expected kind: magic number {found:#010x}, expected {expected:#010x}"
            ),
            Self::Truncated { needed, found } => write!(
                f,
                "IDX file is truncated: its header promises {needed} bytes, found {found}"
            ),
        }
    }
}

impl std::error::Error for DataError {}

/// Images from an IDX3 file: `count` images of `rows × cols` bytes, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct IdxImages {
    pub count: usize,
    pub rows: usize,
    pub cols: usize,
    pub pixels: Vec<u8>,
}

pub fn parse_idx_images(bytes: &[u8]) -> Result<IdxImages, DataError> {
    let header = read_header(bytes, IMAGES_MAGIC, 16)?;
    let (count, rows, cols) = (header[0], header[1], header[2]);
    // Checked: a hostile header's product overflows even a 64-bit usize.
    let len = count.checked_mul(rows).and_then(|n| n.checked_mul(cols)).unwrap_or(usize::MAX);
    let body = body(bytes, 16, len)?;
    Ok(IdxImages {
        count,
        rows,
        cols,
        pixels: body.to_vec(),
    })
}

pub fn parse_idx_labels(bytes: &[u8]) -> Result<Vec<u8>, DataError> {
    let header = read_header(bytes, LABELS_MAGIC, 8)?;
    Ok(body(bytes, 8, header[0])?.to_vec())
}

/// Checks the magic number and returns the dimension fields that follow it.
fn read_header(bytes: &[u8], magic: u32, header_len: usize) -> Result<Vec<usize>, DataError> {
    let word = |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    if bytes.len() < 4 {
        return Err(DataError::Truncated {
            needed: header_len,
            found: bytes.len(),
        });
    }
    if word(0) != magic {
        return Err(DataError::BadMagic {
            found: word(0),
            expected: magic,
        });
    }
    if bytes.len() < header_len {
        return Err(DataError::Truncated {
            needed: header_len,
            found: bytes.len(),
        });
    }
    Ok((4..header_len).step_by(4).map(|i| word(i) as usize).collect())
}

fn body(bytes: &[u8], header_len: usize, len: usize) -> Result<&[u8], DataError> {
    let needed = header_len.saturating_add(len);
    bytes.get(header_len..needed).ok_or(DataError::Truncated {
        needed,
        found: bytes.len(),
    })
}

/// Raw pixels (0..255) of whole images as a `[batch, 784]` tensor in [-1, 1].
pub fn pixels_to_tensor(pixels: &[u8], device: &Device) -> Tensor<2> {
    let values: Vec<f32> = pixels.iter().map(|&p| p as f32 / 127.5 - 1.0).collect();
    let batch = pixels.len() / IMAGE_PIXELS;
    Tensor::from_data(TensorData::new(values, [batch, IMAGE_PIXELS]), device) // [batch, 784]
}

/// Generator output in [-1, 1] back to grey bytes.
pub fn unit_to_pixels(values: &[f32]) -> Vec<u8> {
    values
        .iter()
        .map(|&v| ((v + 1.0) * 127.5).round().clamp(0.0, 255.0) as u8)
        .collect()
}

/// A gzipped file's decompressed bytes (the native training commands read the shipped data).
#[cfg(not(target_arch = "wasm32"))]
pub fn read_gz(path: &str) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| format!("{path}: {e}"))?;
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(file)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{path}: {e}"))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idx_images(count: u32, rows: u32, cols: u32, body: &[u8]) -> Vec<u8> {
        let mut bytes = Vec::new();
        for word in [IMAGES_MAGIC, count, rows, cols] {
            bytes.extend(word.to_be_bytes());
        }
        bytes.extend(body);
        bytes
    }

    #[test]
    fn parses_images_and_labels() {
        let images = parse_idx_images(&idx_images(2, 1, 3, &[0, 1, 2, 3, 4, 255])).unwrap();
        assert_eq!((images.count, images.rows, images.cols), (2, 1, 3));
        assert_eq!(images.pixels, vec![0, 1, 2, 3, 4, 255]);

        let mut labels = LABELS_MAGIC.to_be_bytes().to_vec();
        labels.extend(3u32.to_be_bytes());
        labels.extend([7, 1, 9]);
        assert_eq!(parse_idx_labels(&labels).unwrap(), vec![7, 1, 9]);
    }

    #[test]
    fn rejects_bad_files() {
        assert!(matches!(
            parse_idx_images(&idx_images(2, 1, 3, &[0; 5])),
            Err(DataError::Truncated { needed: 22, found: 21 })
        ));
        let mut wrong = idx_images(1, 1, 1, &[0]);
        wrong[3] = 0x01;
        assert!(matches!(
            parse_idx_images(&wrong),
            Err(DataError::BadMagic { found: 0x801, .. })
        ));
        assert!(matches!(
            parse_idx_images(&[0, 0]),
            Err(DataError::Truncated { .. })
        ));
        assert!(matches!(
            parse_idx_images(&IMAGES_MAGIC.to_be_bytes()),
            Err(DataError::Truncated { needed: 16, found: 4 })
        ));
    }

    /// 10,000 mutations of a valid images file and of a labels file: `Ok` or an error, never a
    /// panic (a header's count × rows × cols once overflowed).
    #[test]
    fn mutated_idx_files_never_panic() {
        use crate::mutate;
        let pixels: Vec<u8> = (0..3 * IMAGE_PIXELS).map(|i| (i % 251) as u8).collect();
        let images = idx_images(3, IMAGE_SIDE as u32, IMAGE_SIDE as u32, &pixels);
        let mut labels = LABELS_MAGIC.to_be_bytes().to_vec();
        labels.extend(3u32.to_be_bytes());
        labels.extend([7, 1, 9]);
        let parse_images = |bytes: &[u8]| parse_idx_images(bytes).map(|_| ()).map_err(|e| e.to_string());
        mutate::assert_no_panics("IDX images", &mutate::run(&images, &labels, 1, parse_images));
        let parse_labels = |bytes: &[u8]| parse_idx_labels(bytes).map(|_| ()).map_err(|e| e.to_string());
        mutate::assert_no_panics("IDX labels", &mutate::run(&labels, &images, 2, parse_labels));
    }

    #[test]
    fn pixel_round_trip() {
        let pixels: Vec<u8> = (0..=255).collect();
        let values: Vec<f32> = pixels.iter().map(|&p| p as f32 / 127.5 - 1.0).collect();
        assert_eq!(values[0], -1.0);
        assert_eq!(values[255], 1.0);
        assert_eq!(unit_to_pixels(&values), pixels);
    }
}
