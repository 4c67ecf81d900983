//! `Judge`: the digit classifier that scores generated digits, with the statistics of real
//! ones. Load it with `await Judge.load(bytes)`.

use std::rc::Rc;

use js_sys::{Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::backend;
use super::convert::{error, read_digits, read_labels, safetensors_bytes};
use crate::data::{IMAGE_PIXELS, pixels_to_tensor};
use crate::quality::{self, QualityScore};
use crate::weights::WeightsError;

/// The quality judge: the digit classifier with the statistics of real digits. Load it with
/// `await Judge.load(bytes)` from `weights/classifier.safetensors`. It runs on the CPU backend,
/// beside whatever trains on the GPU.
#[wasm_bindgen(js_name = Judge)]
pub struct QualityJudge {
    judge: Rc<quality::Judge>,
}

#[wasm_bindgen(js_class = Judge)]
impl QualityJudge {
    pub fn load(bytes: JsValue) -> Result<QualityJudge, JsError> {
        let bytes = safetensors_bytes(&bytes, "Judge.load")?;
        let judge = quality::Judge::load(&bytes, &backend::cpu()).map_err(|e| {
            // Not export_weights(): a judge is the digit classifier, which no trainer writes.
            let why = match e {
                WeightsError::Corrupt(why) => format!("not a valid safetensors file ({why})"),
                other => other.to_string(),
            };
            let url = quality::SHIPPED_CLASSIFIER.trim_start_matches("www/");
            JsError::new(&format!("Judge.load: {why}; expected the digit classifier, {url}"))
        })?;
        Ok(QualityJudge {
            judge: Rc::new(judge),
        })
    }

    /// The figures of the 1,500 held-out real digits: what a perfect generator would score.
    #[wasm_bindgen(getter, unchecked_return_type = "QualityScore")]
    pub fn reference(&self) -> JsValue {
        score_object(&self.judge.reference)
    }

    /// Scores `images`, a Uint8Array of n × 784 raw pixels (n ≥ 2), such as `generate`'s
    /// output. With `labels`, the n digits they were drawn as, the score also says how many
    /// are read as their digit (`agreement`). Resolves to a QualityScore.
    #[wasm_bindgen(unchecked_return_type = "Promise<QualityScore>")]
    pub fn score(
        &self,
        images: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | null | undefined")] labels: JsValue,
    ) -> Promise {
        let read = || -> Result<_, JsError> {
            let pixels = read_digits(&images, "score", 2)?;
            let given = !labels.is_undefined() && !labels.is_null();
            let count = pixels.len() / IMAGE_PIXELS;
            Ok((pixels, read_labels(&labels, count, given, "this judge", "score")?))
        };
        let (pixels, labels) = match read() {
            Ok(read) => read,
            Err(e) => return Promise::reject(&e.into()),
        };
        let judge = self.judge.clone();
        future_to_promise(async move {
            let images = pixels_to_tensor(&pixels, &backend::cpu());
            let score = judge
                .score(images, labels.as_deref())
                .await
                .map_err(|e| error(&format!("score: {e}")))?;
            Ok(score_object(&score))
        })
    }

    /// The digit the classifier reads in each of `images`, a Uint8Array of n × 784 raw
    /// pixels. Resolves to a Uint8Array of n digits 0–9.
    #[wasm_bindgen(unchecked_return_type = "Promise<Uint8Array>")]
    pub fn classify(&self, images: JsValue) -> Promise {
        let pixels = match read_digits(&images, "classify", 1) {
            Ok(pixels) => pixels,
            Err(e) => return Promise::reject(&e.into()),
        };
        let judge = self.judge.clone();
        future_to_promise(async move {
            let digits = judge
                .classify(pixels_to_tensor(&pixels, &backend::cpu()))
                .await
                .map_err(|e| error(&format!("classify: {e}")))?;
            Ok(Uint8Array::from(&digits[..]).into())
        })
    }
}

/// A plain object, so it survives `postMessage`.
fn score_object(score: &QualityScore) -> JsValue {
    let object = Object::new();
    let histogram = js_sys::Float64Array::from(&score.histogram[..]);
    let _ = Reflect::set(&object, &"histogram".into(), &histogram.into());
    let _ = Reflect::set(&object, &"score".into(), &score.score.into());
    let _ = Reflect::set(&object, &"fd".into(), &score.frechet_distance.into());
    if let Some(agreement) = score.agreement {
        let _ = Reflect::set(&object, &"agreement".into(), &agreement.into());
    }
    object.into()
}
