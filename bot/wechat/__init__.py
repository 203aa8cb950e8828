"""WeChat / WeCom channel clients."""
