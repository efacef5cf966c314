"""Guanwu (关务公开平台): the customs-affairs disclosure platform of a customs district."""
