"""Image classification (flowers) with augmentation, with `tf.keras`/`keras` swapped for fitwell.

Source: https://github.com/tensorflow/docs/blob/master/site/en/tutorials/images/classification.ipynb
(stored version 021385dd).
Changes beyond the name swap:
- `get_file('flower_photos', untar=True)` -> a temporary folder of 5 class folders x 12 random
  JPEG images of varied sizes, written with PIL (the real data is 3670 JPEGs in 5 folders).
- The sunflower test image download -> one random JPEG in the same temporary folder.
- epochs 10 / 15 -> 1 / 1.
- Display only, dropped: matplotlib figures and `PIL.Image.open(...)` previews.
- Dropped: the closing TensorFlow Lite conversion section (`tf.lite.TFLiteConverter`, interpreter),
  which is a TensorFlow deployment step, not Keras.
- Kept (TensorFlow): `tf.data.AUTOTUNE`, `tf.expand_dims`, `tf.nn.softmax`; `import tensorflow as tf`
  moved down to just before its first use.
"""

import pathlib
import tempfile

import numpy as np
import PIL.Image

import fitwell
import fitwell as keras
from fitwell import layers
from fitwell.models import Sequential

rng = np.random.default_rng(0)
data_dir = pathlib.Path(tempfile.mkdtemp()) / "flower_photos"
for name in ["daisy", "dandelion", "roses", "sunflowers", "tulips"]:
    (data_dir / name).mkdir(parents=True)
    for i in range(12):
        h, w = rng.integers(160, 320, size=2)
        PIL.Image.fromarray(rng.integers(0, 256, size=(h, w, 3), dtype=np.uint8)).save(data_dir / name / f"{i}.jpg")
sunflower_path = data_dir.parent / "Red_sunflower.jpg"
PIL.Image.fromarray(rng.integers(0, 256, size=(240, 320, 3), dtype=np.uint8)).save(sunflower_path)

image_count = len(list(data_dir.glob("*/*.jpg")))
print(image_count)

batch_size = 32
img_height = 180
img_width = 180

train_ds = fitwell.utils.image_dataset_from_directory(
    data_dir,
    validation_split=0.2,
    subset="training",
    seed=123,
    image_size=(img_height, img_width),
    batch_size=batch_size,
)
val_ds = fitwell.utils.image_dataset_from_directory(
    data_dir,
    validation_split=0.2,
    subset="validation",
    seed=123,
    image_size=(img_height, img_width),
    batch_size=batch_size,
)
class_names = train_ds.class_names
print(class_names)

for image_batch, labels_batch in train_ds:
    print(image_batch.shape)
    print(labels_batch.shape)
    break

import tensorflow as tf  # noqa: E402

AUTOTUNE = tf.data.AUTOTUNE
train_ds = train_ds.cache().shuffle(1000).prefetch(buffer_size=AUTOTUNE)
val_ds = val_ds.cache().prefetch(buffer_size=AUTOTUNE)

normalization_layer = layers.Rescaling(1.0 / 255)
normalized_ds = train_ds.map(lambda x, y: (normalization_layer(x), y))
image_batch, labels_batch = next(iter(normalized_ds))
first_image = image_batch[0]
print(np.min(first_image), np.max(first_image))

num_classes = len(class_names)
model = Sequential(
    [
        layers.Rescaling(1.0 / 255, input_shape=(img_height, img_width, 3)),
        layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(),
        layers.Conv2D(32, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(),
        layers.Conv2D(64, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(),
        layers.Flatten(),
        layers.Dense(128, activation="relu"),
        layers.Dense(num_classes),
    ]
)
model.compile(
    optimizer="adam", loss=fitwell.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"]
)
model.summary()
epochs = 1
history = model.fit(train_ds, validation_data=val_ds, epochs=epochs)
acc = history.history["accuracy"]
val_acc = history.history["val_accuracy"]
loss = history.history["loss"]
val_loss = history.history["val_loss"]

data_augmentation = keras.Sequential(
    [
        layers.RandomFlip("horizontal", input_shape=(img_height, img_width, 3)),
        layers.RandomRotation(0.1),
        layers.RandomZoom(0.1),
    ]
)
for images, _ in train_ds.take(1):
    for i in range(9):
        augmented_images = data_augmentation(images)

model = Sequential(
    [
        data_augmentation,
        layers.Rescaling(1.0 / 255),
        layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(),
        layers.Conv2D(32, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(),
        layers.Conv2D(64, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(),
        layers.Dropout(0.2),
        layers.Flatten(),
        layers.Dense(128, activation="relu"),
        layers.Dense(num_classes, name="outputs"),
    ]
)
model.compile(
    optimizer="adam", loss=fitwell.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"]
)
model.summary()
epochs = 1
history = model.fit(train_ds, validation_data=val_ds, epochs=epochs)

img = fitwell.utils.load_img(sunflower_path, target_size=(img_height, img_width))
img_array = fitwell.utils.img_to_array(img)
img_array = tf.expand_dims(img_array, 0)
predictions = model.predict(img_array)
score = tf.nn.softmax(predictions[0])
print(
    "This image most likely belongs to {} with a {:.2f} percent confidence.".format(
        class_names[np.argmax(score)], 100 * np.max(score)
    )
)
