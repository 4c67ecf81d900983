//! Conditional GANs in the browser: training by label on both backends and architectures, the
//! labels' errors (each followed by a call that works), export and load, and the latent
//! explorer's directions.

use js_sys::{Float32Array, Reflect, Uint8Array};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;
use webgan::web::{GanTrainer, Generator};

use super::common::*;

const BATCH: usize = 8;

async fn conditional_trainer(backend: &str, architecture: &str, loss: &str) -> GanTrainer {
    create(&[
        ("backend", backend.into()),
        ("architecture", architecture.into()),
        ("loss", loss.into()),
        ("batchSize", BATCH.into()),
        ("conditional", true.into()),
    ])
    .await
}

async fn labelled_step(trainer: &GanTrainer, n: usize) -> JsValue {
    resolve(trainer.train_step(batches(1, BATCH, n).into(), digits(BATCH, n).into())).await
}

async fn generate_as(trainer: &GanTrainer, noise: &Float32Array, labels: &[u8]) -> Vec<u8> {
    let labels = Uint8Array::from(labels);
    Uint8Array::new(&resolve(trainer.generate(noise.clone().into(), labels.into())).await).to_vec()
}

/// Both architectures train by label on both backends, with BCE, and with WGAN-GP on the CPU:
/// finite statistics, and the same noise drawn as another digit gives another image.
#[wasm_bindgen_test]
async fn conditional_training_on_both_backends_and_architectures() {
    let runs = [
        ("cpu", "mlp", "bce"),
        ("cpu", "dcgan", "bce"),
        ("cpu", "mlp", "wgan-gp"),
        ("cpu", "dcgan", "wgan-gp"),
        ("webgpu", "mlp", "bce"),
        ("webgpu", "dcgan", "bce"),
    ];
    for (backend, architecture, loss) in runs {
        let trainer = conditional_trainer(backend, architecture, loss).await;
        let what = format!("{backend}/{architecture}/{loss}");
        assert!(trainer.conditional(), "{what}");
        assert_eq!(trainer.backend(), backend);
        for n in 1..=3 {
            let stats = labelled_step(&trainer, n).await;
            assert_eq!(field(&stats, "step"), n as f64, "{what}");
            for key in ["d_loss", "g_loss", "d_real", "d_fake"] {
                assert!(field(&stats, key).is_finite(), "{what} {key}: {stats:?}");
            }
        }
        let z = noise(1, 2.0);
        let (three, seven) = (generate_as(&trainer, &z, &[3]).await, generate_as(&trainer, &z, &[7]).await);
        assert_eq!(three.len(), PIXELS);
        assert_ne!(three, seven, "{what}: the label changes nothing");
        // train_steps takes n × batchSize labels.
        let images = batches(2, BATCH, 9);
        let stats = resolve(trainer.train_steps(images.into(), digits(2 * BATCH, 1).into(), 2.0.into())).await;
        assert_eq!(field(&stats, "step"), 5.0, "{what}");
    }
}

/// Every misuse of labels is a clear Error, and the trainer works right after each.
#[wasm_bindgen_test]
async fn label_errors_leave_everything_usable() {
    let trainer = conditional_trainer("cpu", "mlp", "bce").await;
    let images = || JsValue::from(batches(1, BATCH, 0));
    let cases: [(JsValue, &str); 5] = [
        (JsValue::UNDEFINED, "train_step: this trainer is conditional, so labels must be a Uint8Array of 8 digits 0–9, one per image, got undefined"),
        (digits(BATCH - 1, 0).into(), "train_step: labels holds 7 values, expected 8 (one per image)"),
        (Uint8Array::from(&[0, 1, 2, 3, 10, 5, 6, 7][..]).into(), "train_step: labels[4] is 10, expected a digit 0–9"),
        (Float32Array::new_with_length(BATCH as u32).into(), "train_step: labels must be a Uint8Array of 8 digits 0–9, one per image, got Float32Array"),
        (JsValue::NULL, "this trainer is conditional"),
    ];
    let mut steps = 0.0;
    for (labels, expected) in cases {
        let message = reject(trainer.train_step(images(), labels)).await;
        assert!(message.contains(expected), "{message}");
        steps += 1.0;
        let stats = labelled_step(&trainer, 1).await;
        assert_eq!(field(&stats, "step"), steps);
    }
    // generate, discriminate and train_discriminator check their labels the same way.
    let message = reject(trainer.generate(noise(2, 0.0).into(), JsValue::UNDEFINED)).await;
    assert!(message.contains("generate: this trainer is conditional"), "{message}");
    let message = reject(trainer.generate(noise(2, 0.0).into(), digits(3, 0).into())).await;
    assert!(message.contains("generate: labels holds 3 values, expected 2"), "{message}");
    assert_eq!(generate_as(&trainer, &noise(2, 0.0), &[1, 2]).await.len(), 2 * PIXELS);
    let message = reject(trainer.discriminate(batches(1, 2, 0).into(), Uint8Array::from(&[1, 11][..]).into())).await;
    assert!(message.contains("discriminate: labels[1] is 11"), "{message}");
    let scores = resolve(trainer.discriminate(batches(1, 2, 0).into(), digits(2, 0).into())).await;
    assert_eq!(Float32Array::new(&scores).length(), 2);
    let message = reject(trainer.train_discriminator(images(), JsValue::UNDEFINED)).await;
    assert!(message.contains("train_discriminator: this trainer is conditional"), "{message}");
    resolve(trainer.train_discriminator(images(), digits(BATCH, 0).into())).await;

    // Labels given to an unconditional trainer.
    let plain = create(&[("backend", "cpu".into()), ("batchSize", BATCH.into())]).await;
    assert!(!plain.conditional());
    let message = reject(plain.train_step(images(), digits(BATCH, 0).into())).await;
    assert_eq!(
        message,
        "train_step: labels were given, but this trainer is unconditional; create it with conditional: true to use labels"
    );
    assert_eq!(field(&step(&plain, batches(1, BATCH, 0)).await, "step"), 1.0);
    let message = reject(plain.generate(noise(1, 0.0).into(), digits(1, 0).into())).await;
    assert!(message.contains("generate: labels were given"), "{message}");
    assert_eq!(generate(&plain, noise(1, 0.0)).await.len(), PIXELS);

    // The option itself is checked.
    let error = GanTrainer::create(options(&[("conditional", "yes".into())])).await.err().unwrap();
    assert_eq!(message_of(error), "GanTrainer.create: option conditional is \"yes\", expected true or false");
}

fn message_of(error: wasm_bindgen::JsError) -> String {
    message(error.into())
}

/// A conditional trainer's export loads as a conditional Generator that draws the same digits,
/// resumes in a conditional trainer, and is refused by an unconditional one by name.
#[wasm_bindgen_test]
async fn conditional_export_and_load_round_trip() {
    for architecture in ["mlp", "dcgan"] {
        let trainer = conditional_trainer("cpu", architecture, "bce").await;
        for n in 1..=2 {
            labelled_step(&trainer, n).await;
        }
        let z = noise(4, 3.0);
        let wanted = [0, 4, 9, 4];
        let expected = generate_as(&trainer, &z, &wanted).await;
        let bytes = export(&trainer).await;

        let generator = Generator::load(Uint8Array::from(&bytes[..]).into(), options(&[("backend", "cpu".into())]))
            .await
            .unwrap_or_else(|e| panic!("{architecture}: {}", message(e.into())));
        assert!(generator.conditional());
        assert_eq!(generator.latent_dim(), 100);
        let drawn = resolve(generator.generate(z.clone().into(), Uint8Array::from(&wanted[..]).into())).await;
        assert_eq!(Uint8Array::new(&drawn).to_vec(), expected, "{architecture}");
        let message = reject(generator.generate(z.clone().into(), JsValue::UNDEFINED)).await;
        assert!(message.contains("generate: this generator is conditional"), "{message}");
        let message = reject(generator.generate(z.clone().into(), Uint8Array::from(&[0, 4, 10, 4][..]).into())).await;
        assert!(message.contains("generate: labels[2] is 10, expected a digit 0–9"), "{message}");
        let again = resolve(generator.generate(z.clone().into(), Uint8Array::from(&wanted[..]).into())).await;
        assert_eq!(Uint8Array::new(&again).to_vec(), expected, "{architecture}: the generator after its errors");

        let resumed = create(&[
            ("backend", "cpu".into()),
            ("architecture", architecture.into()),
            ("conditional", true.into()),
            ("weights", Uint8Array::from(&bytes[..]).into()),
        ])
        .await;
        assert_eq!(generate_as(&resumed, &z, &wanted).await, expected);

        let refused = GanTrainer::create(options(&[
            ("backend", "cpu".into()),
            ("architecture", architecture.into()),
            ("weights", Uint8Array::from(&bytes[..]).into()),
        ]))
        .await
        .err()
        .unwrap();
        assert!(message_of(refused).contains("weights are of a conditional GAN"), "{architecture}");
    }
    // An unconditional generator takes no labels.
    let plain = create(&[("backend", "cpu".into()), ("batchSize", BATCH.into())]).await;
    let bytes = export(&plain).await;
    let generator = Generator::load(Uint8Array::from(&bytes[..]).into(), JsValue::UNDEFINED).await.ok().unwrap();
    assert!(!generator.conditional());
    let message = reject(generator.generate(noise(1, 0.0).into(), digits(1, 0).into())).await;
    assert!(message.contains("labels were given, but this generator is unconditional"), "{message}");
    let digit = resolve(generator.generate(noise(1, 0.0).into(), JsValue::UNDEFINED)).await;
    assert_eq!(Uint8Array::new(&digit).length() as usize, PIXELS);
}

/// The explorer's directions: unit vectors, mutually orthogonal, strongest first; bad
/// arguments are errors.
#[wasm_bindgen_test]
async fn directions_are_orthonormal_and_checked() {
    let trainer = conditional_trainer("cpu", "dcgan", "bce").await;
    labelled_step(&trainer, 1).await;
    let z = noise(1, 4.0);
    let found = resolve(trainer.directions(z.clone().into(), 3.into(), 8.0)).await;
    let directions = Float32Array::new(&Reflect::get(&found, &"directions".into()).unwrap()).to_vec();
    let strengths = Float32Array::new(&Reflect::get(&found, &"strengths".into()).unwrap()).to_vec();
    assert_eq!((directions.len(), strengths.len()), (8 * 100, 8));
    for i in 0..8 {
        for j in 0..8 {
            let dot: f32 = (0..100).map(|k| directions[i * 100 + k] * directions[j * 100 + k]).sum();
            let want = if i == j { 1.0 } else { 0.0 };
            assert!((dot - want).abs() < 1e-3, "directions {i}·{j} = {dot}");
        }
    }
    assert!(strengths.windows(2).all(|w| w[0] >= w[1]) && strengths[0] > 0.0, "{strengths:?}");

    let message = reject(trainer.directions(z.clone().into(), JsValue::UNDEFINED, 8.0)).await;
    assert!(message.contains("directions: label is undefined, expected a digit 0–9"), "{message}");
    let message = reject(trainer.directions(z.clone().into(), 12.into(), 8.0)).await;
    assert!(message.contains("label is 12"), "{message}");
    let message = reject(trainer.directions(z.clone().into(), 1.into(), 0.0)).await;
    assert!(message.contains("count is 0, expected a whole number from 1 to 100"), "{message}");
    let message = reject(trainer.directions(noise(2, 0.0).into(), 1.into(), 4.0)).await;
    assert!(message.contains("z holds 200 values, expected one latent vector of 100"), "{message}");
    let again = resolve(trainer.directions(z.into(), 3.into(), 2.0)).await;
    assert_eq!(Float32Array::new(&Reflect::get(&again, &"directions".into()).unwrap()).length(), 200);
}
