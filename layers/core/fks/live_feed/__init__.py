"""The live candle feed: what WebSocket clients send (subscribe, unsubscribe) and receive (frames)."""

from fks.live_feed.frames import ack_frame, candle_frames, error_frame
from fks.live_feed.requests import Feed, FeedRequest, TopicRequest, parse_feed_request

__all__ = ["Feed", "FeedRequest", "TopicRequest", "ack_frame", "candle_frames", "error_frame", "parse_feed_request"]
