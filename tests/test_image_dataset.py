"""`image_dataset_from_directory`: Keras's file order, split, labels and pixels, from a generated folder."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import torch

import fitwell
from fitwell.utils import image_dataset_from_directory
from fitwell.utils.image_decoding import load_image

Image = pytest.importorskip("PIL.Image")

CLASSES = ("b_dogs", "a_cats", "c_birds")  # created out of order: labels follow the sorted names
EXTENSIONS = (".png", ".jpg", ".bmp", ".gif", ".JPEG")


@pytest.fixture(scope="module")
def image_folder(tmp_path_factory) -> Path:
    """3 classes x 10 images of varied sizes and formats, plus files that must be skipped."""
    root = tmp_path_factory.mktemp("images")
    rng = np.random.default_rng(0)
    for name in CLASSES:
        (root / name).mkdir()
        for i in range(10):
            height, width = (int(side) for side in rng.integers(5, 20, size=2))
            pixels = rng.integers(0, 256, size=(height, width, 3), dtype=np.uint8)
            Image.fromarray(pixels).save(root / name / f"img{i}{EXTENSIONS[i % 5]}")
        (root / name / "notes.txt").write_text("not an image")
    (root / ".hidden").mkdir()
    Image.new("RGB", (4, 4)).save(root / ".hidden" / "skipped.png")
    return root


def load(root: Path, **options):
    options = {"image_size": (7, 9), "num_workers": 0, "verbose": False, **options}
    return image_dataset_from_directory(root, **options)


def keras_split(root: Path, seed: int, validation_split: float):
    keras = pytest.importorskip("keras")
    del keras  # the import checks Keras is there; its utilities below run without TensorFlow
    from keras.src.utils import dataset_utils
    from keras.src.utils.image_dataset_utils import ALLOWLIST_FORMATS

    paths, labels, names = dataset_utils.index_directory(
        root, "inferred", formats=ALLOWLIST_FORMATS, shuffle=True, seed=seed, verbose=False
    )
    training = dataset_utils.get_training_or_validation_split(paths, labels, validation_split, "training")
    validation = dataset_utils.get_training_or_validation_split(paths, labels, validation_split, "validation")
    return names, training, validation


def test_counts_classes_and_messages_match_keras(image_folder, capsys):
    ds = load(image_folder, batch_size=4, verbose=True, seed=3)
    assert capsys.readouterr().out == "Found 30 files belonging to 3 classes.\n"
    assert ds.class_names == ["a_cats", "b_dogs", "c_birds"]
    assert len(ds.file_paths) == 30 and len(ds) == 8
    assert not any("hidden" in path or path.endswith(".txt") for path in ds.file_paths)


@pytest.mark.parametrize("seed", [0, 1337])
def test_file_order_and_split_are_kerass_for_the_same_seed(image_folder, seed, capsys):
    names, (keras_training, keras_training_labels), (keras_validation, _) = keras_split(
        image_folder, seed, 0.2
    )
    capsys.readouterr()
    training, validation = load(image_folder, seed=seed, validation_split=0.2, subset="both")
    assert capsys.readouterr().out == "Using 24 files for training.\nUsing 6 files for validation.\n"
    assert training.file_paths == keras_training and validation.file_paths == keras_validation
    assert training.class_names == validation.class_names == names
    # Two separate calls with the same seed give the same, disjoint subsets.
    alone = load(image_folder, seed=seed, validation_split=0.2, subset="training")
    assert alone.file_paths == keras_training
    assert set(training.file_paths).isdisjoint(validation.file_paths)
    assert len(set(training.file_paths) | set(validation.file_paths)) == 30
    # The labels travel with their files, in Keras's order.
    np.testing.assert_array_equal(training.dataset.labels.numpy(), np.asarray(keras_training_labels))


def test_without_a_seed_the_global_numpy_seed_repeats_the_order_as_in_keras(image_folder):
    np.random.seed(7)
    first = load(image_folder).file_paths
    np.random.seed(7)
    assert load(image_folder).file_paths == first
    np.random.seed(7)
    seed = np.random.randint(1e6)  # what Keras draws when seed=None
    assert load(image_folder, seed=seed).file_paths == first


def test_unshuffled_order_is_sorted_by_class_then_path(image_folder):
    ds = load(image_folder, shuffle=False, batch_size=7)
    relative = [os.path.relpath(path, image_folder) for path in ds.file_paths]
    expected = [
        os.path.join(name, f"img{i}{EXTENSIONS[i % 5]}")
        for name in sorted(CLASSES)
        for i in sorted(range(10), key=lambda i: f"img{i}{EXTENSIONS[i % 5]}")
    ]
    assert relative == expected
    labels = torch.cat([batch_labels for _, batch_labels in ds])
    assert labels.dtype == torch.int32
    assert labels.tolist() == [sorted(CLASSES).index(Path(p).parent.name) for p in ds.file_paths]


def test_every_label_is_the_class_of_its_folder(image_folder):
    ds = load(image_folder, seed=5, batch_size=None, shuffle=False)
    for (image, label), path in zip(ds, ds.file_paths, strict=True):
        assert image.shape == (7, 9, 3) and image.dtype == torch.float32
        assert ds.class_names[int(label)] == Path(path).parent.name


def test_label_modes_have_kerass_dtypes_and_shapes(image_folder):
    _, categorical = next(iter(load(image_folder, label_mode="categorical", batch_size=5, shuffle=False)))
    assert categorical.dtype == torch.float32 and categorical.shape == (5, 3)
    assert categorical.tolist() == [[1.0, 0.0, 0.0]] * 5
    two = load(image_folder, label_mode="binary", class_names=["c_birds", "a_cats"], shuffle=False)
    assert two.class_names == ["c_birds", "a_cats"] and len(two.file_paths) == 20
    _, binary = next(iter(two))
    assert binary.dtype == torch.float32 and binary.shape == (20, 1)
    assert binary[:10].sum() == 0 and binary[10:].sum() == 10
    images = next(iter(load(image_folder, label_mode=None, batch_size=4, shuffle=False)))
    assert isinstance(images, torch.Tensor) and images.shape == (4, 7, 9, 3)


def test_explicit_labels_follow_the_sorted_paths(image_folder):
    # Without inferred labels the whole tree is read, hidden folders too (as Keras): 31 files.
    labels = list(range(31))
    ds = load(image_folder, labels=labels, seed=2, batch_size=None)
    assert ds.class_names == [str(label) for label in labels]
    unshuffled = load(image_folder, labels=None, shuffle=False)
    position = {path: index for index, path in enumerate(unshuffled.file_paths)}
    for path, label in zip(ds.file_paths, ds.dataset.labels.tolist(), strict=True):
        assert position[path] == label


def test_pixels_equal_kerass_loader_for_every_mode(image_folder):
    pytest.importorskip("keras")
    from keras.src.utils.image_dataset_utils import _load_image_grain

    cases = [
        ("rgb", 3, "bilinear", False, False),
        ("grayscale", 1, "nearest", True, False),
        ("rgba", 4, "bicubic", False, True),
        ("rgb", 3, "bilinear", True, False),
        ("rgb", 3, "bilinear", False, True),
    ]
    for color_mode, channels, interpolation, crop, pad in cases:
        ds = load(
            image_folder, color_mode=color_mode, interpolation=interpolation, crop_to_aspect_ratio=crop,
            pad_to_aspect_ratio=pad, shuffle=False, batch_size=30,
        )  # fmt: skip
        images, _ = next(iter(ds))
        expected = torch.stack(
            [
                torch.as_tensor(
                    _load_image_grain(path, (7, 9), channels, interpolation, "channels_last", crop, pad)
                )
                for path in ds.file_paths
            ]
        )
        torch.testing.assert_close(images, expected, rtol=0, atol=1e-4)


@pytest.mark.parametrize("color_mode", ["rgb", "grayscale"])
def test_pixels_equal_kerass_public_load_img_and_resize(image_folder, color_mode):
    keras = pytest.importorskip("keras")
    ds = load(image_folder, color_mode=color_mode, shuffle=False, batch_size=30, image_size=(12, 5))
    images, _ = next(iter(ds))
    for image, path in zip(images, ds.file_paths, strict=True):
        array = keras.utils.img_to_array(keras.utils.load_img(path, color_mode=color_mode))
        expected = keras.ops.image.resize(array, (12, 5), interpolation="bilinear")
        torch.testing.assert_close(image, torch.as_tensor(expected), rtol=0, atol=1e-4)


def test_pixels_equal_pillow_decoding_when_no_resize_is_needed(tmp_path):
    rng = np.random.default_rng(1)
    pixels = rng.integers(0, 256, size=(2, 6, 5, 3), dtype=np.uint8)
    (tmp_path / "only").mkdir()
    for i, image in enumerate(pixels):
        Image.fromarray(image).save(tmp_path / "only" / f"{i}.png")
    images, labels = next(iter(load(tmp_path, image_size=(6, 5), shuffle=False)))
    np.testing.assert_array_equal(images.numpy(), pixels.astype(np.float32))
    assert labels.tolist() == [0, 0]
    first = load(tmp_path, image_size=(6, 5), shuffle=False, data_format="channels_first")
    assert next(iter(first))[0].shape == (2, 3, 6, 5)


def test_worker_processes_give_the_same_batches_and_reshuffle_each_epoch(image_folder):
    in_process = load(image_folder, seed=4, batch_size=8)
    with_workers = load(image_folder, seed=4, batch_size=8, num_workers=2)
    assert with_workers.persistent_workers
    first = [images for images, _ in with_workers]
    for (ours, _), theirs in zip(in_process, first, strict=True):
        torch.testing.assert_close(ours, theirs, rtol=0, atol=0)
    second = [images for images, _ in with_workers]
    assert not all(torch.equal(a, b) for a, b in zip(first, second, strict=True))
    assert sorted(torch.cat(first).sum(dim=(1, 2, 3)).tolist()) == sorted(
        torch.cat(second).sum(dim=(1, 2, 3)).tolist()
    )


# Pixels are 0-255 as in Keras; fitwell's first-batch guard rightly says so.
@pytest.mark.filterwarnings("ignore:The inputs look unscaled")
def test_a_model_fits_and_predicts_on_the_dataset(image_folder):
    training, validation = load(image_folder, seed=1, validation_split=0.2, subset="both", batch_size=8)
    model = fitwell.Sequential(
        [
            fitwell.layers.Input((7, 9, 3)),
            fitwell.layers.Flatten(),
            fitwell.layers.Dense(3),
        ]
    )
    model.compile(optimizer="adam", loss=fitwell.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(training, validation_data=validation, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0]) and "val_loss" in history.history
    assert model.predict(validation, verbose=0).shape == (6, 3)


def test_load_image_reads_the_first_frame_of_a_gif(tmp_path):
    frames = [Image.new("RGB", (4, 4), colour) for colour in ((255, 0, 0), (0, 0, 255))]
    frames[0].save(tmp_path / "anim.gif", save_all=True, append_images=frames[1:])
    image = load_image(tmp_path / "anim.gif", image_size=(4, 4))
    assert image[..., 0].min() > 200 and image[..., 2].max() < 50


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"label_mode": "sparse"}, "`label_mode` must be one of .* Received: label_mode='sparse'"),
        ({"color_mode": "bgr"}, "`color_mode` must be one of .* Received: color_mode='bgr'"),
        ({"image_size": (0, 4)}, r"`image_size` must be \(height, width\).* Received: image_size=\(0, 4\)"),
        ({"interpolation": "area"}, "only offered by Keras's TensorFlow loader"),
        ({"interpolation": "cubic"}, "`interpolation` must be one of .* Received: interpolation='cubic'"),
        ({"crop_to_aspect_ratio": True, "pad_to_aspect_ratio": True}, "Only one of `crop_to_aspect_ratio`"),
        ({"validation_split": 0.2, "subset": "training"}, "needs a `seed`"),
        ({"validation_split": 0.2}, "`validation_split` and `subset` go together"),
        ({"validation_split": 1.5, "subset": "training", "seed": 1}, "between 0 and 1"),
        ({"subset": "test", "validation_split": 0.2, "seed": 1}, "`subset` must be one of"),
        ({"label_mode": "binary"}, "needs exactly 2 classes. Received: class_names="),
        ({"class_names": ["a_cats", "zebras"]}, "`class_names` must name sub-folders"),
        ({"labels": [0, 1]}, "one label per file. Received: 2 labels, but found 31 files"),
        ({"labels": "folders"}, "`labels` must be 'inferred', None or a list"),
        ({"batch_size": 0}, "`batch_size` must be a positive int or None. Received: batch_size=0"),
        ({"data_format": "nhwc"}, "`data_format` must be"),
        ({"seed": 1.5}, "`seed` must be an int or None. Received: seed=1.5"),
    ],
)
def test_bad_arguments_are_named_in_the_error(image_folder, options, message):
    with pytest.raises(ValueError, match=message):
        load(image_folder, **options)


def test_an_empty_directory_says_which_formats_are_read(tmp_path):
    (tmp_path / "empty_class").mkdir()
    with pytest.raises(ValueError, match=r"No images found in directory .*'\.png'"):
        load(tmp_path)


def test_the_folder_benchmark_reports_both_readers(tmp_path, capsys):
    import sys

    root = Path(__file__).resolve().parents[1]
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    from bench import image_folder

    image_folder.main(
        ["--images", "20", "--sizes", "16", "--workers", "0", "--repeats", "1", "--batch-size", "8"]
    )
    report = capsys.readouterr().out
    assert "| image_dataset_from_directory |" in report and "| DataLoader + Pillow Dataset | " in report
    assert "**1.00**" in report  # the plain reader is the reference row
