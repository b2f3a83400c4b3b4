"""Dataset readers (IDX, N-MNIST events, scikit-learn digits) and encoders. Nothing is downloaded."""
