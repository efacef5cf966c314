from __future__ import annotations

from rest_framework import serializers

from guanwu.organization.models import ContactLine, Post, Staff, Unit


class PostSerializer(serializers.ModelSerializer):
    hall = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    hall_name = serializers.CharField(
        source="hall.name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Post
        fields = ["sign_code", "name", "services", "hall", "hall_name"]


class ContactLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContactLine
        fields = ["kind", "number", "hours", "note"]


class StaffSerializer(serializers.ModelSerializer):
    post = serializers.SerializerMethodField(help_text="The name of the staff member's first post.")
    post_sign = serializers.SerializerMethodField(help_text="The sign code of that post.")

    class Meta:
        model = Staff
        fields = ["work_number", "name", "title", "post", "post_sign"]

    def _first_post(self, obj: Staff) -> Post | None:
        posts = list(obj.posts.all())  # prefetched
        return posts[0] if posts else None

    def get_post(self, obj: Staff) -> str | None:
        post = self._first_post(obj)
        return post.name if post else None

    def get_post_sign(self, obj: Staff) -> str | None:
        post = self._first_post(obj)
        return post.sign_code if post else None


class UnitSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    posts = PostSerializer(many=True, read_only=True)
    contact_lines = ContactLineSerializer(many=True, read_only=True)
    staff = StaffSerializer(many=True, read_only=True)

    class Meta:
        model = Unit
        fields = [
            "code",
            "name",
            "short_name",
            "kind",
            "parent",
            "function",
            "duties",
            "address",
            "office_hours",
            "posts",
            "contact_lines",
            "staff",
        ]
