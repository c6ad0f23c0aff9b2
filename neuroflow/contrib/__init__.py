"""tf.contrib: the pieces courses use."""
