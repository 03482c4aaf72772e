"""Learning from the labelled question sets: train the learned safety screen (`faq-bot train`)
and measure it leave-one-writer-out (`faq-bot crossval`). Needs the `learn` extra
(scikit-learn); serving never imports this package."""
