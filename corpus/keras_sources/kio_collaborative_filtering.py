"""Collaborative Filtering for Movie Recommendations (MovieLens), with `tensorflow.keras` swapped for fitwell.

Source: https://github.com/keras-team/keras-io/blob/master/examples/structured_data/collaborative_filtering_movielens.py
(stored version 13dcc614: the tf.keras text, whose model calls `tf.nn.sigmoid`).
Changes beyond the name swap:
- The MovieLens zip download -> random ratings.csv/movies.csv DataFrames of the same columns
  (610 users, 2000 movies, 20,000 ratings in 0.5 steps; the real file has 100,836 ratings).
- epochs 5 -> 1.
- matplotlib loss plot dropped.
- Kept (TensorFlow, inside the model's `call`): `tf.nn.sigmoid`; `import tensorflow as tf` moved
  down to just before the model class.
"""

import numpy as np
import pandas as pd

import fitwell
import fitwell as keras
from fitwell import layers

rng = np.random.default_rng(0)
df = pd.DataFrame(
    {
        "userId": rng.integers(1, 611, 20000),
        "movieId": rng.integers(1, 2001, 20000),
        "rating": rng.integers(1, 11, 20000) / 2.0,
        "timestamp": rng.integers(828124615, 1537799250, 20000),
    }
)
movie_df = pd.DataFrame({"movieId": np.arange(1, 2001), "title": [f"Movie {i}" for i in range(1, 2001)],
                         "genres": "Drama"})

user_ids = df["userId"].unique().tolist()
user2user_encoded = {x: i for i, x in enumerate(user_ids)}
userencoded2user = {i: x for i, x in enumerate(user_ids)}
movie_ids = df["movieId"].unique().tolist()
movie2movie_encoded = {x: i for i, x in enumerate(movie_ids)}
movie_encoded2movie = {i: x for i, x in enumerate(movie_ids)}
df["user"] = df["userId"].map(user2user_encoded)
df["movie"] = df["movieId"].map(movie2movie_encoded)

num_users = len(user2user_encoded)
num_movies = len(movie_encoded2movie)
df["rating"] = df["rating"].values.astype(np.float32)
min_rating = min(df["rating"])
max_rating = max(df["rating"])
print(f"Number of users: {num_users}, Number of Movies: {num_movies}, Min rating: {min_rating}, Max rating: {max_rating}")

df = df.sample(frac=1, random_state=42)
x = df[["user", "movie"]].values
y = df["rating"].apply(lambda x: (x - min_rating) / (max_rating - min_rating)).values
train_indices = int(0.9 * df.shape[0])
x_train, x_test, y_train, y_test = (x[:train_indices], x[train_indices:], y[:train_indices], y[train_indices:])

EMBEDDING_SIZE = 50

import tensorflow as tf  # noqa: E402


class RecommenderNet(keras.Model):
    def __init__(self, num_users, num_movies, embedding_size, min_rating, max_rating, **kwargs):
        super(RecommenderNet, self).__init__(**kwargs)
        self.num_users = num_users
        self.num_movies = num_movies
        self.embedding_size = embedding_size
        self.min_rating = min_rating
        self.max_rating = max_rating
        self.user_embedding = layers.Embedding(
            num_users, embedding_size, embeddings_initializer="he_normal",
            embeddings_regularizer=keras.regularizers.l2(1e-6),
        )
        self.user_bias = layers.Embedding(num_users, 1)
        self.movie_embedding = layers.Embedding(
            num_movies, embedding_size, embeddings_initializer="he_normal",
            embeddings_regularizer=keras.regularizers.l2(1e-6),
        )
        self.movie_bias = layers.Embedding(num_movies, 1)

    def call(self, inputs):
        user_vector = self.user_embedding(inputs[:, 0])
        user_bias = self.user_bias(inputs[:, 0])
        movie_vector = self.movie_embedding(inputs[:, 1])
        movie_bias = self.movie_bias(inputs[:, 1])
        dot_user_movie = layers.Dot(axes=1)([user_vector, movie_vector])
        x = dot_user_movie + user_bias + movie_bias
        x = tf.nn.sigmoid(x)
        return x


inputs = layers.Input(shape=(2,))
model = RecommenderNet(num_users, num_movies, EMBEDDING_SIZE, min_rating, max_rating)
outputs = model(inputs)
opt = keras.optimizers.Adam(lr=0.001)
model.compile(loss=fitwell.losses.BinaryCrossentropy(), optimizer=opt)
history = model.fit(x=x_train, y=y_train, batch_size=128, epochs=1, verbose=1, validation_data=(x_test, y_test))

user_id = df.userId.sample(1).iloc[0]
movies_watched_by_user = df[df.userId == user_id].movieId.values
movies_not_watched = movie_df[~movie_df["movieId"].isin(movies_watched_by_user)]["movieId"]
movies_not_watched = list(set(movies_not_watched).intersection(set(movie2movie_encoded.keys())))
movies_not_watched = [[movie2movie_encoded.get(x)] for x in movies_not_watched]
user_encoder = user2user_encoded.get(user_id)
user_movie_array = np.hstack(([[user_id]] * len(movies_not_watched), movies_not_watched))
ratings = model.predict(user_movie_array).flatten()
top_ratings_indices = ratings.argsort()[-10:][::-1]
recommended_movie_ids = [movie_encoded2movie.get(x) for x in top_ratings_indices]
print("\n".join(movie_df[movie_df["movieId"].isin(recommended_movie_ids)].title.values))
