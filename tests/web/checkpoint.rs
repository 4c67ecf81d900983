//! Checkpoints and PyTorch's layout in the browser: a resumed run equals an uninterrupted one
//! exactly on the CPU and within the backends' agreement on WebGPU; every bad checkpoint is a
//! clear Error that leaves everything usable; PyTorch-layout files go out and come back.

use js_sys::{Float32Array, Reflect, Uint8Array};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;
use webgan::web::{GanTrainer, Generator};

use super::common::*;

async fn checkpoint(trainer: &GanTrainer, annotation: JsValue) -> Vec<u8> {
    Uint8Array::new(&resolve(trainer.export_checkpoint(annotation)).await).to_vec()
}

async fn resume(bytes: &[u8], backend: &str) -> GanTrainer {
    create(&[("backend", backend.into()), ("checkpoint", Uint8Array::from(bytes).into())]).await
}

/// Steps `range` on the same batches (and labels) every run, with each step's statistics.
async fn steps(trainer: &GanTrainer, batch: usize, conditional: bool, range: std::ops::Range<usize>) -> Vec<[f64; 5]> {
    let mut all = Vec::new();
    for n in range {
        let labels = if conditional { digits(batch, n).into() } else { JsValue::UNDEFINED };
        let stats = resolve(trainer.train_step(batches(1, batch, n).into(), labels)).await;
        all.push(["step", "d_loss", "g_loss", "d_real", "d_fake"].map(|key| field(&stats, key)));
        if n % 10 == 9 {
            yield_to_browser().await;
        }
    }
    all
}

/// 200 steps straight against 100, a checkpoint, a new trainer from it, and 100 more: equal
/// statistics at every step and byte-identical weights and state at the end.
async fn resumes_exactly(settings: &[(&str, JsValue)], batch: usize) {
    let conditional = settings.iter().any(|(key, value)| *key == "conditional" && value.as_bool() == Some(true));
    let mut pairs = vec![("backend", "cpu".into()), ("batchSize", batch.into())];
    pairs.extend(settings.iter().cloned());
    let straight = create(&pairs).await;
    let expected = steps(&straight, batch, conditional, 0..200).await;

    let first = create(&pairs).await;
    steps(&first, batch, conditional, 0..100).await;
    let saved = checkpoint(&first, JsValue::UNDEFINED).await;
    drop(first);
    let resumed = resume(&saved, "cpu").await;
    assert_eq!(resumed.step(), 100.0);
    let found = steps(&resumed, batch, conditional, 100..200).await;

    assert_eq!(found, expected[100..], "{settings:?}: statistics after the resume");
    assert_eq!(export(&resumed).await, export(&straight).await, "{settings:?}: weights");
    let (a, b) = (checkpoint(&resumed, JsValue::UNDEFINED).await, checkpoint(&straight, JsValue::UNDEFINED).await);
    assert!(a == b, "{settings:?}: the state after 200 steps differs");
    web_sys::console::log_1(&format!("{settings:?}: 200 steps resumed exactly; checkpoint {} bytes", saved.len()).into());
}

#[wasm_bindgen_test]
async fn the_default_mlp_resumes_exactly_on_the_cpu() {
    // The default preset's settings, with the weight average riding along.
    let preset = [("learningRate", 2e-3.into()), ("r1Penalty", 5.into()), ("averageDecay", 0.99.into())];
    resumes_exactly(&preset, 64).await;
}

#[wasm_bindgen_test]
async fn the_dcgan_resumes_exactly_on_the_cpu() {
    resumes_exactly(&[("architecture", "dcgan".into()), ("conditional", true.into())], 8).await;
}

/// On WebGPU, a resumed run agrees with an uninterrupted one as the backends agree.
#[wasm_bindgen_test]
async fn a_webgpu_run_resumes_within_the_agreement_tolerance() {
    let pairs = [("backend", "webgpu".into()), ("batchSize", 32.into()), ("r1Penalty", 5.into())];
    let straight = create(&pairs).await;
    let expected = steps(&straight, 32, false, 0..6).await;
    let first = create(&pairs).await;
    steps(&first, 32, false, 0..3).await;
    let saved = checkpoint(&first, "webgpu run".into()).await;
    let resumed = resume(&saved, "webgpu").await;
    assert_eq!(resumed.backend(), "webgpu");
    let found = steps(&resumed, 32, false, 3..6).await;
    for (a, b) in found.iter().zip(&expected[3..]) {
        assert_eq!(a[0], b[0], "step");
        for (x, y) in a[1..].iter().zip(&b[1..]) {
            assert!((x - y).abs() <= 1e-3 * x.abs().max(y.abs()) + 1e-6, "resumed {a:?} vs straight {b:?}");
        }
    }
    let noise = noise(4, 3.0);
    let floats = |t: &GanTrainer| resolve(t.generate_floats(noise.clone().into(), JsValue::UNDEFINED));
    let (a, b) = (Float32Array::new(&floats(&resumed).await).to_vec(), Float32Array::new(&floats(&straight).await).to_vec());
    let worst = a.iter().zip(&b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max);
    assert!(worst <= 1e-3, "images differ by up to {worst}");
}

/// Edits the checkpoint's format version in place (the header is JSON).
fn with_version(bytes: &[u8], version: &str) -> Vec<u8> {
    let from = b"\"checkpoint_version\":\"1\"";
    let at = bytes.windows(from.len()).position(|w| w == from).expect("a version entry");
    let to = format!("\"checkpoint_version\":\"{version}\"");
    [&bytes[..at], to.as_bytes(), &bytes[at + from.len()..]].concat()
}

#[wasm_bindgen_test]
async fn bad_checkpoints_are_errors_and_leave_everything_usable() {
    let trainer = create(&[("backend", "cpu".into()), ("batchSize", 16.into())]).await;
    steps(&trainer, 16, false, 0..2).await;
    let good = checkpoint(&trainer, "{\"page\":1}".into()).await;
    let weights = export(&trainer).await;
    let bytes = |b: &[u8]| JsValue::from(Uint8Array::from(b));
    let cases: Vec<(Vec<(&str, JsValue)>, &str)> = vec![
        (vec![("checkpoint", bytes(&weights))], "a weights file (export_weights), not a checkpoint"),
        (vec![("checkpoint", bytes(&good[..good.len() - 100]))], "is it truncated?"),
        (vec![("checkpoint", bytes(&good[..20]))], "is it truncated?"),
        (vec![("checkpoint", bytes(&with_version(&good, "0")))], "an older format (version 0); this WebGAN reads version 1"),
        (vec![("checkpoint", bytes(&with_version(&good, "2")))], "a newer format (version 2)"),
        (vec![("checkpoint", bytes(&good)), ("architecture", "dcgan".into())], "saved with architecture \"mlp\", and option architecture is \"dcgan\""),
        // The learning rates may be given anew (a rollback after divergence); nothing else.
        (vec![("checkpoint", bytes(&good)), ("beta1", 0.9.into())], "saved with beta1 0.5, and option beta1 is 0.9"),
        (vec![("checkpoint", bytes(&good)), ("weights", bytes(&weights))], "give weights or a checkpoint, not both"),
        (vec![("checkpoint", "file.safetensors".into())], "option checkpoint is \"file.safetensors\", expected a Uint8Array"),
    ];
    for (pairs, expected) in cases {
        let mut pairs = pairs;
        pairs.push(("backend", "cpu".into()));
        let error = GanTrainer::create(options(&pairs)).await.err().expect("a bad checkpoint was accepted");
        let message = message(error.into());
        assert!(message.contains(expected), "{message} does not contain {expected}");
    }
    let info_error = GanTrainer::checkpoint_info(bytes(&weights)).err().expect("checkpoint_info took a weights file");
    assert!(message(info_error.into()).starts_with("checkpoint_info: these bytes are a weights file"));
    let annotation = reject(trainer.export_checkpoint(7.into())).await;
    assert_eq!(annotation, "export_checkpoint: annotation is 7, expected a string");

    // Nothing was harmed: the trainer still trains, and the good checkpoint resumes.
    steps(&trainer, 16, false, 2..3).await;
    let info = GanTrainer::checkpoint_info(bytes(&good)).map_err(|e| message(e.into())).unwrap();
    assert_eq!(field(&info, "step"), 2.0);
    assert_eq!(field(&info, "version"), 1.0);
    let text = |key: &str| Reflect::get(&info, &key.into()).unwrap().as_string();
    assert_eq!((text("architecture"), text("loss"), text("annotation")), (Some("mlp".into()), Some("bce".into()), Some("{\"page\":1}".into())));
    let options = Reflect::get(&info, &"options".into()).unwrap();
    assert_eq!(field(&options, "batchSize"), 16.0);
    assert_eq!(resume(&good, "cpu").await.step(), 2.0);
}

/// export_pytorch's pair comes back into a trainer and a Generator unchanged; a single
/// PyTorch-layout file, or the pair swapped, is refused by name.
#[wasm_bindgen_test]
async fn pytorch_layout_round_trips() {
    for architecture in ["mlp", "dcgan"] {
        let trainer = create(&[("backend", "cpu".into()), ("architecture", architecture.into()), ("batchSize", 8.into())]).await;
        steps(&trainer, 8, false, 0..3).await;
        let pair = resolve(trainer.export_pytorch()).await;
        let network = |key: &str| Uint8Array::new(&Reflect::get(&pair, &key.into()).unwrap());
        let (generator, discriminator) = (network("generator"), network("discriminator"));
        let weights = options(&[("generator", generator.clone().into()), ("discriminator", discriminator.clone().into())]);
        let back = create(&[("backend", "cpu".into()), ("architecture", architecture.into()), ("batchSize", 8.into()), ("weights", weights)]).await;
        assert_eq!(export(&back).await, export(&trainer).await, "{architecture}: weights after the round trip");

        let loaded = Generator::load(generator.clone().into(), options(&[("backend", "cpu".into())]))
            .await
            .map_err(|e| message(e.into()))
            .unwrap();
        let z = noise(5, 1.0);
        let ours = Float32Array::new(&resolve(trainer.generate_floats(z.clone().into(), JsValue::UNDEFINED)).await).to_vec();
        let theirs = Float32Array::new(&resolve(loaded.generate_floats(z.into(), JsValue::UNDEFINED)).await).to_vec();
        assert_eq!(ours, theirs, "{architecture}: the PyTorch-layout generator draws other digits");

        let plain = |extra: (&str, JsValue)| options(&[("backend", "cpu".into()), ("architecture", architecture.into()), extra]);
        let single = GanTrainer::create(plain(("weights", generator.clone().into()))).await.err().unwrap();
        assert!(message(single.into()).contains("a trainer needs both: weights: { generator, discriminator }"));
        let swapped = options(&[("generator", discriminator.into()), ("discriminator", generator.into())]);
        let swapped = GanTrainer::create(plain(("weights", swapped))).await.err().unwrap();
        let swapped = message(swapped.into());
        assert!(swapped.contains("the file given as the generator holds a discriminator"), "{swapped}");
    }
}
