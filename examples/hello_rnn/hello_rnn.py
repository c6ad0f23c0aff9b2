"""The 'hello' RNN: an LSTM reads "hihell" one letter at a time and learns to say "ihello".

Each input letter is one-hot (h, i, e, l, o); at every step the network predicts the next
letter. The LSTM's outputs go through a fully connected layer to 5 logits per step and
seq2seq.sequence_loss averages the cross-entropy over the six steps.

    python examples/hello_rnn/hello_rnn.py           # (--quick: fewer steps)
"""
import os
import sys

import numpy as np

import neuroflow as tf

QUICK = "--quick" in sys.argv or os.environ.get("NEUROFLOW_EXAMPLES_QUICK") == "1"
STEPS = 30 if QUICK else 50

idx2char = ["h", "i", "e", "l", "o"]
x_data = [[0, 1, 0, 2, 3, 3]]   # hihell
y_data = [[1, 0, 2, 3, 3, 4]]   # ihello
x_one_hot = np.eye(5, dtype=np.float32)[x_data]

num_classes = 5
input_dim = 5          # one-hot size
hidden_size = 5        # output of the LSTM
batch_size = 1         # one sentence
sequence_length = 6    # |ihello| == 6

tf.set_random_seed(777)
X = tf.placeholder(tf.float32, [None, sequence_length, input_dim])
Y = tf.placeholder(tf.int32, [None, sequence_length])

cell = tf.contrib.rnn.BasicLSTMCell(num_units=hidden_size, state_is_tuple=True)
initial_state = cell.zero_state(batch_size, tf.float32)
outputs, _states = tf.nn.dynamic_rnn(cell, X, initial_state=initial_state, dtype=tf.float32)

X_for_fc = tf.reshape(outputs, [-1, hidden_size])
outputs = tf.contrib.layers.fully_connected(inputs=X_for_fc, num_outputs=num_classes,
                                            activation_fn=None)
outputs = tf.reshape(outputs, [batch_size, sequence_length, num_classes])
weights = tf.ones([batch_size, sequence_length])
sequence_loss = tf.contrib.seq2seq.sequence_loss(logits=outputs, targets=Y, weights=weights)
loss = tf.reduce_mean(sequence_loss)
train = tf.train.AdamOptimizer(learning_rate=0.1).minimize(loss)
prediction = tf.argmax(outputs, axis=2)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for i in range(STEPS):
        lo, _ = sess.run([loss, train], feed_dict={X: x_one_hot, Y: y_data})
        result = sess.run(prediction, feed_dict={X: x_one_hot})
        text = "".join(idx2char[c] for c in np.squeeze(result))
        if i % 5 == 0 or i == STEPS - 1:
            print(i, "loss:", lo, "prediction:", result, "true Y:", y_data)
            print("\tPrediction str:", text)

correct = int(np.sum(np.squeeze(result) == np.array(y_data[0])))
print("result: text=%s correct=%d/6 loss=%.4f" % (text, correct, lo))
