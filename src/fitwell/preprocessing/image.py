"""Keras 3's `keras.preprocessing.image`: loading, converting and saving single images."""

from __future__ import annotations

from fitwell.utils.image_utils import array_to_img, img_to_array, load_img, save_img

__all__ = ["array_to_img", "img_to_array", "load_img", "save_img"]
