"""Theano's theano.sandbox: rng_mrg.MRG_RandomStreams."""
